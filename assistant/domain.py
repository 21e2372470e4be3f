"""Typed domain records: patents, demands, agencies, disclosures and rules, parsed once from a chunk.

Ingest keeps a record's fields as flat metadata strings (``ipc="H01M 50/403；H01M 10/05"``,
``maturity="中试"``, ``budget="50-100万元"``). Every rule about what those strings mean lives
here, once: which IPC codes a record has, when a record is "in" an industry, how stage names
map onto the TRL scale, which legal statuses mean "in force", which words name the same
cooperation mode, how a price or budget reads in 万元. Tasks turn chunks into these objects
right after reading them and never look at ``meta`` again; each object keeps its chunk for
citations.

Values are parsed after NFKC folding, so full-width digits, letters and punctuation
(``ＴＲＬ６``, ``５０－１００万元``, ``人工智能／新能源``) read like their ASCII forms. Labels
shown to people (the maturity or legal status as recorded) keep the recorded text.

Usage example::

    from assistant.domain import Patent
    patent = Patent.from_chunk(chunk)          # a chunk of knowledge/patents/*.csv
    patent.ipc_subclasses, patent.maturity.trl, patent.in_force, patent.in_industry("人工智能")
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Self, TypeGuard

from assistant.records import Chunk, DocType, MetaValue

__all__ = [
    "COOPERATION_MODES",
    "CRITERIA",
    "CRITERIA_WEIGHTS",
    "IN_FORCE",
    "IPC_CODE",
    "NO_FIELD_LIMIT",
    "STAGE_TRL",
    "Agency",
    "Demand",
    "Disclosure",
    "Maturity",
    "Money",
    "Patent",
    "Record",
    "Rule",
    "cooperation_modes",
    "ipc_subclasses",
    "maturity_level",
    "parse_date",
    "parse_ipc",
    "parse_money",
    "parse_record",
    "parse_yuan",
    "split_labels",
]

# -- IPC -------------------------------------------------------------------------------------
# A subclass (section A–H, two-digit class, subclass letter), optionally with its group
# ("H01M 50/403"). Letters and digits around it must not continue a word: "TH01MX" is no code.
IPC_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Ha-h])(\d{2})([A-Za-z])(?:\s*(\d{1,4})\s*/\s*(\d{1,6}))?(?![A-Za-z])")


def parse_ipc(value: object) -> tuple[str, ...]:
    """IPC codes in the order given, each once, as ``"H01M 50/403"`` or a bare subclass ``"G06F"``.

    The first code is the main classification. Any separator works (``；``, ``;``, ``|``, spaces).
    """
    codes: list[str] = []
    for section, klass, subclass, group, subgroup in IPC_CODE.findall(_fold(value)):
        code = f"{section}{klass}{subclass}".upper() + (f" {group}/{subgroup}" if group else "")
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def ipc_subclasses(value: object) -> tuple[str, ...]:
    """Subclasses in the order given ("H01M 50/403；H01M 10/05|g06f 3/01" → ("H01M", "G06F"))."""
    return _subclasses(parse_ipc(value))


def _subclasses(codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code[:4] for code in codes))


# -- labels and dates ------------------------------------------------------------------------
LABEL_SEPARATORS = re.compile(r"[/、,;|\s]+")


def split_labels(value: object) -> tuple[str, ...]:
    """Labels of a list field ("人工智能/新能源", "价值评估、技术咨询", full-width ／ and ；too)."""
    return tuple(dict.fromkeys(label for label in LABEL_SEPARATORS.split(_fold(value)) if label))


DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|(\d{4})(\d{2})(\d{2})")


def parse_date(value: object) -> date | None:
    """A date written as 2019-04-12, 2019/4/12, 2019.04.12, 2019年4月12日 or 20190412; else ``None``."""
    match = DATE.search(_fold(value))
    if match is None:
        return None
    year, month, day = (int(part) for part in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
    try:
        return date(year, month, day)
    except ValueError:
        return None


# -- maturity --------------------------------------------------------------------------------
# Stage names mapped onto TRL 1–9: the platforms' 正在研发/已有样品/通过小试/通过中试/可以量产 as
# BRIEF §4.5 synthesises them, plus the stages the NASA/GAO levels name there (3 概念验证,
# 4 原理样机, 6 中试-scale prototype, 9 proven in operation: 产业化). A value that names several
# stages is at the furthest ("实验室小试" is 小试), so 工程样机 is not read as 样机.
STAGE_TRL = {
    "研发中": 2,
    "正在研发": 2,
    "概念验证": 3,
    "样品": 4,
    "样机": 4,
    "原理样机": 4,
    "小试": 5,
    "中试": 6,
    "工程样机": 6,
    "量产": 8,
    "批量生产": 8,
    "产业化": 9,
}
TRL_NUMBER = re.compile(r"TRL\s*[-:=]?\s*(\d{1,2})", re.IGNORECASE)


def maturity_level(value: object) -> int | None:
    """TRL 1–9 of "TRL6", "通过中试", "工程样机" and the like; ``None`` when unstated or unknown."""
    text = _fold(value)
    if match := TRL_NUMBER.search(text):
        level = int(match.group(1))
        return level if 1 <= level <= 9 else None
    return max((level for stage, level in STAGE_TRL.items() if stage in text), default=None)


@dataclass(frozen=True)
class Maturity:
    """A stated maturity: the words as recorded (shown to people) and their TRL (compared)."""

    text: str = ""
    trl: int | None = None

    @classmethod
    def parse(cls, value: object) -> Maturity:
        text = _text(value)
        return cls(text, maturity_level(text))

    def __str__(self) -> str:
        return self.text


# -- cooperation modes -----------------------------------------------------------------------
# The modes of the knowledge base, in the order figures list them, and the other words people
# use for them (技术入股 is the older name of 作价投资).
COOPERATION_MODES = ("转让", "许可", "作价投资", "合作开发", "技术服务", "技术咨询")
MODE_ALIASES = {"技术入股": "作价投资", "作价入股": "作价投资", "委托开发": "合作开发", "合作研发": "合作开发"}


def cooperation_modes(value: object) -> tuple[str, ...]:
    """The modes a 合作方式 field names, aliases folded, in :data:`COOPERATION_MODES` order."""
    text = _fold(value)
    named = {mode for mode in COOPERATION_MODES if mode in text}
    named |= {mode for alias, mode in MODE_ALIASES.items() if alias in text}
    return tuple(mode for mode in COOPERATION_MODES if mode in named)


# -- money -----------------------------------------------------------------------------------
NEGOTIABLE_WORDS = ("面议", "待定", "协商", "商议")
UP_TO = re.compile(r"[≤<]|以下|以内|不超过|不高于|最多")
AT_LEAST = re.compile(r"[≥>]|以上|不低于|不少于|至少|起")
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|千万|百万|万)?")
YUAN_PER_UNIT = {"亿": 10**8, "千万": 10**7, "百万": 10**6, "万": 10**4, "": 1}  # "" is yuan
UNIT_IN_WAN = {unit: yuan / 10**4 for unit, yuan in YUAN_PER_UNIT.items()}
ONE_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|千万|百万|万)?\s*元?")


def parse_money(value: object) -> tuple[float, float] | None:
    """(low, high) in 万元 of "50-100万元", "≤30万元", "100万元以上", "1.2亿元"; ``None`` for 面议 or nothing.

    A number without its own unit takes the next stated one ("50-100万元": both in 万); with no
    万 or 亿 anywhere the amount is in yuan. "以上" leaves the top open (``inf``).
    """
    text = re.sub(r"(?<=\d),(?=\d{3})", "", _fold(value))
    if not text or any(word in text for word in NEGOTIABLE_WORDS):
        return None
    amounts = AMOUNT.findall(text)
    if not amounts:
        return None
    units = [unit for _, unit in amounts]
    for i in range(len(units) - 2, -1, -1):
        units[i] = units[i] or units[i + 1]
    if any(units):  # a trailing bare number ("100万元，分3期") is not an amount
        amounts, units = [a for a, u in zip(amounts, units, strict=True) if u], [u for u in units if u]
    numbers = [float(number) * UNIT_IN_WAN[unit] for (number, _), unit in zip(amounts, units, strict=True)]
    if UP_TO.search(text):
        return 0.0, max(numbers)
    if AT_LEAST.search(text) and len(numbers) == 1:
        return numbers[0], math.inf
    return min(numbers), max(numbers)


def parse_yuan(value: object) -> Decimal | None:
    """One amount in yuan, exactly: "200万" → 2000000, "1.5亿元" → 150000000, "2,000,000" → 2000000.

    ``None`` unless the whole text is one amount (a range or words are not an amount to compute with).
    """
    text = re.sub(r"(?<=\d),(?=\d{3})", "", _fold(value)).replace(" ", "")
    match = ONE_AMOUNT.fullmatch(text)
    if match is None:
        return None
    try:
        return Decimal(match.group(1)) * YUAN_PER_UNIT[match.group(2) or ""]
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Money:
    """A stated price or budget: the words as recorded and their bounds in 万元 (``None``: 面议 or unstated)."""

    text: str = ""
    bounds: tuple[float, float] | None = None

    @classmethod
    def parse(cls, value: object) -> Money:
        text = _text(value)
        return cls(text, parse_money(text))

    def __str__(self) -> str:
        return self.text


# -- legal status ----------------------------------------------------------------------------
# 授权 (granted) and 有效 (in force) name the same state for every use here — the patent can be
# licensed and must be maintained — so they are folded wherever a status is compared; the
# distribution of statuses still shows each as recorded.
IN_FORCE = ("授权", "有效")


def _status_key(status: str) -> str:
    return "in force" if status in IN_FORCE else status


# -- whitelist criteria ----------------------------------------------------------------------
# (field, label) of the six criteria of the innovation-voucher whitelist (2025 reply letter),
# in the letter's order. The overall score weighs integrity, contract performance and service
# quality most (they protect a researcher who hands over an unpublished invention), capability
# and internal control next, service frequency least (it mostly reflects an agency's size).
CRITERIA = (
    ("service_frequency", "服务频率"),
    ("capability", "服务能力"),
    ("quality", "服务质量"),
    ("internal_control", "内控体系"),
    ("performance_record", "履约记录"),
    ("integrity_record", "诚信记录"),
)
CRITERIA_WEIGHTS = {
    "服务频率": 0.10,
    "服务能力": 0.15,
    "服务质量": 0.20,
    "内控体系": 0.15,
    "履约记录": 0.20,
    "诚信记录": 0.20,
}
NO_FIELD_LIMIT = "不限"


# -- records ---------------------------------------------------------------------------------
class _FromChunk:
    """What every record reads off the chunk it was parsed from: its number and title."""

    chunk: Chunk

    @property
    def id(self) -> str:
        return self.chunk.doc_id

    @property
    def title(self) -> str:
        return self.chunk.title


class _Labelled(_FromChunk):
    """A record labelled with industries (patents and demands)."""

    industries: tuple[str, ...]

    @property
    def main_industry(self) -> str:
        """The first label: the one a distribution by industry counts the record under."""
        return self.industries[0] if self.industries else ""

    def in_industry(self, industry: str) -> bool:
        """A record is in every industry it is labelled with ("汽车/新能源汽车" is in both)."""
        return industry in self.industries


@dataclass(frozen=True)
class Patent(_Labelled):
    """A patent or achievement record (``doc_type`` patent) with its stated terms."""

    chunk: Chunk
    applicant: str
    ipc_codes: tuple[str, ...]
    industries: tuple[str, ...]
    maturity: Maturity
    legal_status: str
    filing_date: date | None
    cooperation_modes: tuple[str, ...]
    asking_price: Money
    sample: bool

    @classmethod
    def from_chunk(cls, chunk: Chunk) -> Patent:
        meta = _expect(chunk, DocType.PATENT)
        return cls(
            chunk=chunk,
            applicant=_text(meta.get("applicant")),
            ipc_codes=parse_ipc(meta.get("ipc")),
            industries=split_labels(meta.get("industry")),
            maturity=Maturity.parse(meta.get("maturity")),
            legal_status=_text(meta.get("legal_status")),
            filing_date=parse_date(meta.get("filing_date")),
            cooperation_modes=cooperation_modes(meta.get("cooperation_mode")),
            asking_price=Money.parse(meta.get("asking_price")),
            sample=meta.get("sample") is True,
        )

    @property
    def ipc_subclasses(self) -> tuple[str, ...]:
        return _subclasses(self.ipc_codes)

    @property
    def ipc_section(self) -> str:
        """The section letter of the main (first) IPC code, or "" when the record has none."""
        return self.ipc_codes[0][0] if self.ipc_codes else ""

    def classified_under(self, prefix: str) -> bool:
        """Does any IPC code start with ``prefix`` (a section "H", a subclass "H01M", "H01M50")?"""
        wanted = re.sub(r"\s+", "", _fold(prefix)).upper()
        return any(code.replace(" ", "").startswith(wanted) for code in self.ipc_codes)

    @property
    def in_force(self) -> bool:
        return self.legal_status in IN_FORCE

    def has_status(self, status: str) -> bool:
        """Is the record in ``status``, 授权 and 有效 counting as one?"""
        return _status_key(self.legal_status) == _status_key(_text(status))


@dataclass(frozen=True)
class Demand(_Labelled):
    """An enterprise's technology demand (``doc_type`` demand) with its stated terms."""

    chunk: Chunk
    enterprise: str
    industries: tuple[str, ...]
    cooperation_modes: tuple[str, ...]
    budget: Money
    required_maturity: Maturity
    deadline: date | None
    region: str
    sample: bool

    @classmethod
    def from_chunk(cls, chunk: Chunk) -> Demand:
        meta = _expect(chunk, DocType.DEMAND)
        return cls(
            chunk=chunk,
            enterprise=_text(meta.get("enterprise")),
            industries=split_labels(meta.get("industry")),
            cooperation_modes=cooperation_modes(meta.get("cooperation_mode")),
            budget=Money.parse(meta.get("budget")),
            required_maturity=Maturity.parse(meta.get("required_maturity")),
            deadline=parse_date(meta.get("deadline")),
            region=_text(meta.get("region")),
            sample=meta.get("sample") is True,
        )


@dataclass(frozen=True)
class Agency(_FromChunk):
    """A service agency (``doc_type`` agency): whitelist flag as recorded, services, fields, six criteria.

    ``scores`` holds the criteria the record states, by label (0–100); a missing one is left out,
    not taken as zero.
    """

    chunk: Chunk
    whitelisted: bool
    services: tuple[str, ...]
    fields: tuple[str, ...]
    region: str
    scores: Mapping[str, float]
    assessment_year: int | None
    sample: bool

    @classmethod
    def from_chunk(cls, chunk: Chunk) -> Self:
        meta = _expect(chunk, DocType.AGENCY)
        year = meta.get("assessment_year")
        return cls(
            chunk=chunk,
            whitelisted=meta.get("whitelisted") is True,  # the recorded flag, never inferred
            services=split_labels(meta.get("services")),
            fields=split_labels(meta.get("fields")),
            region=_text(meta.get("region")),
            scores={label: float(meta[name]) for name, label in CRITERIA if _is_number(meta.get(name))},
            assessment_year=int(year) if _is_number(year) else None,
            sample=meta.get("sample") is True,
        )

    @property
    def name(self) -> str:
        return self.chunk.title

    @property
    def overall(self) -> float:
        """Weighted mean of the criteria present (weights renormalised over them); 0 with none."""
        if not self.scores:
            return 0.0
        weight = sum(CRITERIA_WEIGHTS[label] for label in self.scores)
        return sum(CRITERIA_WEIGHTS[label] * score for label, score in self.scores.items()) / weight

    def serves_field(self, field: str) -> bool:
        """Does the agency serve ``field`` (a label containing it, or 不限)?"""
        return any(f == NO_FIELD_LIMIT or field in f for f in self.fields)


@dataclass(frozen=True)
class Disclosure(_FromChunk):
    """A part of an invention disclosure (``doc_type`` disclosure): whose it is and which section.

    A disclosure is prose: its terms are sentences of its sections, not fields, so it states
    none of the terms matching compares.
    """

    chunk: Chunk
    owner: str
    issuer: str
    section: str
    sample: bool

    @classmethod
    def from_chunk(cls, chunk: Chunk) -> Disclosure:
        meta = _expect(chunk, DocType.DISCLOSURE)
        return cls(
            chunk=chunk,
            owner=_text(meta.get("owner")),
            issuer=_text(meta.get("issuer")),
            section=chunk.locator.rsplit(">", 1)[-1].strip(),
            sample=meta.get("sample") is True,
        )


@dataclass(frozen=True)
class Rule(_FromChunk):
    """A computable rule of knowledge/rules/ (``doc_type`` policy with a rule id): one quantity of one article.

    ``value`` is the number or date as written (``50``, ``03-30``); :attr:`number` is it as an
    exact decimal. ``modes`` lists the transfer modes it covers ("全部": every mode, empty: none).
    ``years`` is (at least, at most) for a share paid over years (``3-5`` → (3, 5)).
    """

    chunk: Chunk
    region: str
    level: str
    institution: str
    modes: tuple[str, ...]
    quantity: str
    value: str
    unit: str
    years: tuple[int, int] | None
    force: str
    deductions: tuple[str, ...]
    effective_date: date | None
    law: str
    article: str

    @classmethod
    def from_chunk(cls, chunk: Chunk) -> Rule:
        meta = _expect(chunk, DocType.POLICY)
        if not _text(meta.get("quantity")):
            raise ValueError(f"{chunk.doc_id} 不是规则库中的规则")
        years = [int(n) for n in re.findall(r"\d+", _fold(meta.get("years")))]
        return cls(
            chunk=chunk,
            region=_text(meta.get("region")),
            level=_text(meta.get("level")),
            institution=_text(meta.get("institution")),
            modes=tuple(m for m in re.split(r"[、,，/;；\s]+", _fold(meta.get("mode"))) if m),
            quantity=_text(meta.get("quantity")),
            value=_fold(meta.get("value")),
            unit=_text(meta.get("unit")),
            years=(min(years), max(years)) if years else None,
            force=_text(meta.get("force")),
            deductions=tuple(d for d in re.split(r"[；;]", _text(meta.get("deductions"))) if d.strip()),
            effective_date=parse_date(meta.get("effective_date")),
            law=_text(meta.get("law")),
            article=_text(meta.get("article")),
        )

    @staticmethod
    def is_rule(chunk: Chunk) -> bool:
        """Is this chunk a row of the rule base (a policy chunk that states a quantity)?"""
        return chunk.doc_type is DocType.POLICY and bool(_text(chunk.meta.get("quantity")))

    @property
    def number(self) -> Decimal | None:
        """The value as an exact number (``None`` for a date or a rule without a value)."""
        try:
            return Decimal(self.value) if re.fullmatch(r"\d+(?:\.\d+)?", self.value) else None
        except InvalidOperation:
            return None

    @property
    def basis(self) -> str:
        """The law and article, as every answer and step cites it: 《…》第X条."""
        return f"《{self.law}》{self.article}"

    @property
    def statement(self) -> str:
        return self.chunk.text

    def covers(self, mode: str) -> bool:
        return "全部" in self.modes or mode in self.modes


Record = Patent | Demand | Agency | Disclosure
_RECORD_TYPES: dict[DocType, type[Patent] | type[Demand] | type[Agency] | type[Disclosure]] = {
    DocType.PATENT: Patent,
    DocType.DEMAND: Demand,
    DocType.AGENCY: Agency,
    DocType.DISCLOSURE: Disclosure,
}


def parse_record(chunk: Chunk) -> Record | None:
    """The typed record of a chunk; ``None`` for policies and FAQ, which are documents, not records."""
    kind = _RECORD_TYPES.get(chunk.doc_type)
    return kind.from_chunk(chunk) if kind else None


# -- helpers ---------------------------------------------------------------------------------
def _fold(value: object) -> str:
    """NFKC-folded text of a metadata value: full-width forms become ASCII, ``None`` becomes ""."""
    return unicodedata.normalize("NFKC", _text(value))


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _is_number(value: MetaValue | None) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _expect(chunk: Chunk, doc_type: DocType) -> Mapping[str, MetaValue]:
    if chunk.doc_type is not doc_type:
        raise ValueError(f"{chunk.doc_id} 是 {chunk.doc_type.value}，不是 {doc_type.value}")
    return chunk.meta
