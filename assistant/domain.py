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
    "NeedTerms",
    "Patent",
    "Record",
    "Rule",
    "cooperation_modes",
    "describe_maturity",
    "fields_named",
    "ipc_subclasses",
    "maturity_level",
    "parse_date",
    "parse_ipc",
    "parse_money",
    "parse_record",
    "parse_yuan",
    "read_need",
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


# -- needs typed in plain words ----------------------------------------------------------------
# An enterprise types 「预算50万以内，最好买断，要能直接上产线」, not 「预算：≤50万元；合作方式：转让」.
# These rules read such words into the fields an indexed demand has (``Demand.from_text``); every
# phrase list is matched after NFKC folding. A mode word right after a negation (「不接受入股」) is
# not a wish.
PLAIN_MODE_WORDS = {
    "转让": ("买断", "转让", "买下", "买过来", "一次性买", "把专利买", "所有权"),
    "许可": ("授权使用", "授权我们", "许可", "授权给我们", "租用", "使用权"),
    "作价投资": ("入股", "作价投资", "股权合作", "以技术出资", "技术出资", "占股"),
    "合作开发": ("合作开发", "一起研发", "一起开发", "联合开发", "共同开发", "合作研发", "委托开发", "联合攻关"),
    "技术服务": ("技术服务", "上门指导", "技术支持", "帮我们改造", "驻厂"),
    "技术咨询": ("咨询",),
}
NEGATION = re.compile(r"(?:不|别|不要|不接受|不考虑|不做|不搞|不想)$")
# Maturity in plain words → TRL (the STAGE_TRL scale): production-ready wishes read as 8, a
# working prototype as 6 (a pilot-scale system), "early is fine" as no requirement.
PLAIN_MATURITY = (
    (
        8,
        (
            "直接上产线",
            "上产线",
            "直接投产",
            "马上投产",
            "拿来就能用",
            "拿来就用",
            "直接用",
            "成熟的",
            "成熟技术",
            "量产",
            "批量生产",
            "已经产业化",
            "直接生产",
            "现成的",
        ),
    ),
    (6, ("中试", "有样机", "样机能跑", "工程样机", "小批量")),
    (5, ("小试",)),
)
MONEY_SPAN = re.compile(
    r"(?:不超过|不高于|最多|控制在|上限|以内的|大概|大约|约|预算|花|出|投入)?\s*"
    r"(\d+(?:\.\d+)?(?:\s*[-~到至]\s*\d+(?:\.\d+)?)?)\s*(亿|千万|百万|万)\s*元?\s*"
    r"(以内|以下|之内|以上|左右|上下|封顶)?"
)
UP_TO_BEFORE = re.compile(r"(?:不超过|不高于|最多|控制在|上限)\s*$")
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMBER = re.compile(r"[一二两三四五六七八九十百千]+(?=\s*(?:亿|千万|百万|万))")
REGIONS = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "苏州",
    "杭州",
    "南京",
    "无锡",
    "宁波",
    "嘉兴",
    "湖州",
    "合肥",
    "深圳",
    "广州",
    "成都",
    "武汉",
    "西安",
    "长三角",
)
MONTHS_WITHIN = re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*个月(?:内|之内|以内)")
MONTH_END = re.compile(r"(?:(\d{4})\s*年)?\s*(\d{1,2}|[一二三四五六七八九十]+)\s*月(?:底|份|末)?(?:前|之前|以前)")
YEAR_END = re.compile(r"(?:(\d{4})\s*年|今年|明年)?\s*年底(?:前|之前|以前)?|(\d{4})\s*年(?:底|末)")


# Words of a need → the industry (field) label the knowledge base uses for it. Used to rank
# agencies that serve the field; matching does not use it (a wrong guess would cost a good patent
# its industry fit).
FIELD_WORDS = {
    "生物医药": ("生物医药", "医药", "药物", "抗体", "疫苗", "细胞治疗", "基因", "制剂", "原料药", "创新药"),
    "生命健康": ("生命健康", "医疗器械", "诊断", "康复", "健康", "医院", "体外检测"),
    "集成电路": ("集成电路", "芯片", "半导体", "晶圆", "封装"),
    "人工智能": ("人工智能", "算法", "机器视觉", "大模型", "机器学习", "深度学习", "AI"),
    "电子信息": ("电子信息", "通信", "电子", "传感器", "物联网"),
    "汽车": ("汽车", "电动车", "整车", "新能源车"),
    "高端装备": ("高端装备", "装备", "机床", "机器人", "工程机械"),
    "先进材料": ("先进材料", "新材料", "材料", "涂层", "合金", "复合材料"),
    "新能源": ("新能源", "光伏", "储能", "氢能", "风电", "锂电"),
    "节能环保": ("节能环保", "环保", "废水", "污染", "固废", "碳减排"),
    "时尚消费品": ("时尚消费品", "纺织", "服装", "化妆品", "面料", "鞋"),
}


def fields_named(text: str) -> tuple[str, ...]:
    """The industry labels a need's words name ("抗体药物的价值评估" → ("生物医药",)), in :data:`FIELD_WORDS` order."""
    folded = _fold(text)
    return tuple(label for label, words in FIELD_WORDS.items() if any(word in folded for word in words))


@dataclass(frozen=True)
class NeedTerms:
    """What :func:`read_need` understood in a need typed in plain words."""

    budget: Money = Money()
    cooperation_modes: tuple[str, ...] = ()
    maturity: Maturity = Maturity()
    region: str = ""
    deadline: date | None = None


def read_need(text: str, *, today: date | None = None) -> NeedTerms:
    """Budget, cooperation modes, required maturity, region and deadline stated in plain words.

    ``read_need("预算50万以内，希望授权使用，能直接上产线")`` → budget ≤50万元, 许可, TRL8.

    :param today: the date relative deadlines (「年底前」, 「3个月内」) count from.
    """
    folded = _cn_numbers(_fold(text))
    return NeedTerms(
        budget=_plain_budget(folded),
        cooperation_modes=_plain_modes(folded),
        maturity=_plain_maturity(folded),
        region=next((region for region in REGIONS if region in folded), ""),
        deadline=_plain_deadline(folded, today or date.today()),
    )


# Words every demand uses that say nothing about the technology wanted.
BOILERPLATE = re.compile(
    r"我们公司|我司|本公司|我们|公司|企业|希望|想要|想找|寻求|寻找|需要|求购|急需|有没有|能否|能不能|请问|"
    r"预算\S*万元|合作方式\S*|截止\S*|联系\S*"
)


def need_text(text: str) -> str:
    """The words of a need that say which technology is wanted: what matching embeds.

    One rule for a typed need and an indexed demand, so ingest can embed an indexed
    demand's need ahead of the briefings that match it.
    """
    return BOILERPLATE.sub("", text) or text


def describe_maturity(maturity: Maturity) -> str:
    """A required maturity as people read it: "TRL8及以上（能直接上产线）"."""
    if maturity.trl is None:
        return ""
    said = f"（{maturity.text}）" if maturity.text and maturity.text != f"TRL{maturity.trl}" else ""
    return f"TRL{maturity.trl}及以上{said}"


def _cn_number(word: str) -> int:
    """A Chinese numeral up to the thousands (「五十」 50, 「一百二」 120, 「两百」 200)."""
    total, current = 0, 0
    for char in word:
        if char in CN_DIGITS:
            current = CN_DIGITS[char]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[char]
            total += (current or 1) * unit
            current = 0
    if current and len(word) > 1 and word[-2] in "百千":
        current *= {"百": 10, "千": 100}[word[-2]]  # 一百二 = 120
    return total + current


def _cn_numbers(text: str) -> str:
    return CN_NUMBER.sub(lambda m: str(_cn_number(m.group(0))), text)


def _plain_budget(text: str) -> Money:
    match = MONEY_SPAN.search(text)
    if match is None:
        return Money()
    amount, unit, after = match.group(1), match.group(2), match.group(3) or ""
    span = f"{amount}{unit}元{after}"
    if UP_TO_BEFORE.search(text[: match.start(1)]) or after in ("以内", "以下", "之内", "封顶"):
        bounds = parse_money(f"≤{amount}{unit}")
        return Money(f"≤{_number(bounds[1] if bounds else 0)}万元", bounds)
    bounds = parse_money(span)
    if bounds is None:
        return Money()
    if after in ("左右", "上下"):
        return Money(f"约{_number(bounds[1])}万元", bounds)
    if math.isinf(bounds[1]):
        return Money(f"≥{_number(bounds[0])}万元", bounds)
    low, high = bounds
    return Money(f"{_number(low)}-{_number(high)}万元" if low != high else f"{_number(high)}万元", bounds)


def _number(wan: float) -> str:
    return f"{wan:g}"


def _plain_modes(text: str) -> tuple[str, ...]:
    named = set()
    for mode, words in PLAIN_MODE_WORDS.items():
        for word in words:
            for found in re.finditer(re.escape(word), text):
                if not NEGATION.search(text[max(0, found.start() - 3) : found.start()]):
                    named.add(mode)
    named |= set(cooperation_modes(text))
    return tuple(mode for mode in COOPERATION_MODES if mode in named)


def _plain_maturity(text: str) -> Maturity:
    if match := TRL_NUMBER.search(text):
        return Maturity(match.group(0), maturity_level(match.group(0)))
    for level, words in PLAIN_MATURITY:
        for word in words:
            if word in text and not NEGATION.search(text[max(0, text.index(word) - 3) : text.index(word)]):
                return Maturity(word, level)
    return Maturity()


def _plain_deadline(text: str, today: date) -> date | None:
    if (stated := parse_date(text)) is not None:
        return stated
    if match := MONTHS_WITHIN.search(text):
        months = int(match.group(1)) if match.group(1).isdigit() else _cn_number(match.group(1))
        month_index = today.month - 1 + months
        return _month_end(today.year + month_index // 12, month_index % 12 + 1)
    if match := YEAR_END.search(text):
        year_text = match.group(1) or match.group(2)
        year = int(year_text) if year_text else today.year + ("明年" in match.group(0))
        return date(year, 12, 31)
    if match := MONTH_END.search(text):
        month = int(match.group(2)) if match.group(2).isdigit() else _cn_number(match.group(2))
        if not 1 <= month <= 12:
            return None
        year = int(match.group(1)) if match.group(1) else today.year + (month < today.month)
        return _month_end(year, month)
    return None


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


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
    abstract: str = ""

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
            abstract=_text(meta.get("abstract")),
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
    def holder(self) -> str:
        """The first applicant: the institution whose transfer office licenses or sells the patent."""
        return re.split(r"[；;、,，]", self.applicant)[0].strip()

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
    problem: str = ""

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
            problem=_text(meta.get("problem")),
        )

    @classmethod
    def from_text(cls, text: str, *, today: date | None = None) -> Demand:
        """A demand typed in plain words, its terms read by :func:`read_need` (the title is the text itself).

        Free text gets the same fields an indexed demand has, so fit and reasons treat both alike.
        """
        need = read_need(text, today=today)
        chunk = Chunk("", DocType.DEMAND, text[:40], "", "", text)
        return cls(
            chunk=chunk,
            enterprise="",
            industries=(),
            cooperation_modes=need.cooperation_modes,
            budget=need.budget,
            required_maturity=need.maturity,
            deadline=need.deadline,
            region=need.region,
            sample=False,
        )

    def understood(self) -> dict[str, str | list[str] | None]:
        """The stated terms as the CLI's ``understood`` object (``None`` where unstated)."""
        return {
            "budget": self.budget.text or None,
            "cooperation_mode": list(self.cooperation_modes) or None,
            "maturity": describe_maturity(self.required_maturity) or None,
            "region": self.region or None,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }


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
    contact: str = ""

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
            contact="，".join(_text(meta.get(key)) for key in ("contact", "phone", "email") if _text(meta.get(key))),
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
    """The typed record of a chunk; ``None`` for policies and FAQ, which are documents, not records.

    Records are immutable and a chunk's id is the hash of its text and metadata, so each
    chunk is parsed once per process: matching a briefing's 120 demands re-reads the same
    few hundred candidates 12,000 times.
    """
    kind = _RECORD_TYPES.get(chunk.doc_type)
    if kind is None:
        return None
    record = _parsed.get(chunk.id)
    if record is None:
        if len(_parsed) >= PARSED_KEPT:
            _parsed.clear()
        record = _parsed[chunk.id] = kind.from_chunk(chunk)
    return record


PARSED_KEPT = 50_000  # records kept parsed (a few KB each); past it the memory starts again
_parsed: dict[str, Record] = {}


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
