"""What a briefing covers: the officer's filters and the topic's own words, applied to records.

An industry named in the topic (or given) and the record filters select patents; what is
left of the topic once the industry and generic words (成果、盘活、简报…) are removed must
appear in a record's text, whole or as all of its words ("固态电池": 固态 and 电池), so
"锂电池相关成果" covers the records that say 锂电池 and "存量专利盘活进展" covers the
whole stock. Every rule can be stated in one line of the
briefing's "统计范围", which is what makes its figures checkable by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.domain import IN_FORCE, IPC_CODE, Demand, Disclosure, Patent, ipc_subclasses, maturity_level
from assistant.errors import InputError
from assistant.index.tokenizer import words
from assistant.records import Chunk

__all__ = ["INDUSTRIES", "BriefingRequest", "Scope"]

# Shanghai's "3+6" industries, the labels the knowledge base uses (knowledge/README.md).
INDUSTRIES = ("集成电路", "生物医药", "人工智能", "电子信息", "生命健康", "汽车", "高端装备", "先进材料", "时尚消费品")
# Words that say what kind of briefing is wanted, not which technology it is about.
GENERIC_TOPIC_WORDS = re.compile(
    r"本季度|本年度|本月|季度|年度|上半年|下半年|领域|方向|行业|产业|相关|可转化|转化|科技成果|成果|存量|专利|盘活|进展|"
    r"简报|情况|分析|报告|汇总|概况|政策|要点|改革|赋权|工作|生成|一份|请|帮我|技术|的|和|与|及"
)
TERM_SPLIT = re.compile(r"[\s,，、;；。:：/（）()]+")


@dataclass(frozen=True)
class BriefingRequest:
    """What the officer asks for. Dates bound patents' filing dates and demands' deadlines."""

    topic: str
    industry: str | None = None
    ipc: str | None = None  # an IPC section ("H") or a prefix of a code ("H01M")
    since: date | None = None
    until: date | None = None
    legal_status: str | None = None
    min_maturity: str | None = None  # "TRL6" or "中试": at least this mature


@dataclass(frozen=True)
class Scope:
    industry: str | None
    ipc: str | None
    terms: tuple[tuple[str, tuple[str, ...]], ...]  # each topic term with its words (split once)
    since: date | None
    until: date | None
    legal_status: str | None
    min_level: int | None
    min_maturity: str | None
    reference_date: date

    @classmethod
    def of(cls, request: BriefingRequest, topic: str) -> Scope:
        industry = request.industry or next((i for i in INDUSTRIES if i in topic), None)
        if industry is not None and industry not in INDUSTRIES:
            raise InputError(f"未知产业：{industry}；可选：{'、'.join(INDUSTRIES)}")
        if request.since and request.until and request.since > request.until:
            raise InputError(f"起始日期 {request.since} 晚于截止日期 {request.until}")
        min_level = maturity_level(request.min_maturity) if request.min_maturity else None
        if request.min_maturity and min_level is None:
            raise InputError(f"无法识别成熟度：{request.min_maturity}；可写 TRL1–TRL9 或 样品、小试、中试、量产")
        ipc_in_topic = ipc_subclasses(topic)
        ipc = (request.ipc or (ipc_in_topic[0] if ipc_in_topic else "")).replace(" ", "").upper() or None
        rest = IPC_CODE.sub(" ", topic)
        for word in INDUSTRIES:
            rest = rest.replace(word, " ")
        terms = tuple((t, term_words(t)) for t in TERM_SPLIT.split(GENERIC_TOPIC_WORDS.sub(" ", rest)) if len(t) >= 2)
        return cls(
            industry=industry,
            ipc=ipc,
            terms=terms,
            since=request.since,
            until=request.until,
            legal_status=request.legal_status,
            min_level=min_level,
            min_maturity=request.min_maturity,
            reference_date=request.until or date.today(),
        )

    def admits_patent(self, patent: Patent) -> bool:
        filed, level = patent.filing_date, patent.maturity.trl
        return (
            (self.industry is None or patent.in_industry(self.industry))
            and (self.ipc is None or patent.classified_under(self.ipc))
            and (self.since is None or (filed is not None and filed >= self.since))
            and (self.until is None or (filed is not None and filed <= self.until))
            and (self.legal_status is None or patent.has_status(self.legal_status))
            and (self.min_level is None or (level is not None and level >= self.min_level))
            and self._has_terms(patent.chunk)
        )

    def admits_demand(self, demand: Demand) -> bool:
        """A demand belongs when its industry and terms fit and it is open in the period."""
        deadline = demand.deadline
        open_in_period = self.since is None or deadline is None or deadline >= self.since
        return (
            (self.industry is None or demand.in_industry(self.industry))
            and open_in_period
            and self._has_terms(demand.chunk)
        )

    def admits_disclosure(self, disclosure: Disclosure) -> bool:
        """A disclosure has no industry field, so the industry must appear in its text like the terms."""
        text = f"{disclosure.title}\n{disclosure.chunk.text}"
        return (self.industry is None or self.industry in text) and self._has_terms(disclosure.chunk)

    def _has_terms(self, chunk: Chunk) -> bool:
        """Every topic term appears in the title or text, whole or as all of its words."""
        text = f"{chunk.title}\n{chunk.text}"
        return all(term in text or (bool(split) and all(word in text for word in split)) for term, split in self.terms)

    def describe(self) -> str:
        parts = [f"所属产业={self.industry}"] if self.industry else []
        parts += [f"IPC以{self.ipc}开头"] if self.ipc else []
        for term, split in self.terms:
            parts.append(f"文本含「{term}」" + (f"（或同时含{'、'.join(split)}）" if split else ""))
        if self.since or self.until:
            parts.append(f"申请日{self.since or '不限'}至{self.until or '不限'}")
        if self.legal_status:
            folded = self.legal_status in IN_FORCE
            parts.append(f"法律状态={'或'.join(IN_FORCE) if folded else self.legal_status}")
        parts += [f"成熟度不低于{self.min_maturity}"] if self.min_maturity else []
        return "；".join(parts) or "全部记录"


def term_words(term: str) -> tuple[str, ...]:
    """The words of a compound term ("固态电池" → 固态, 电池); empty unless it splits cleanly.

    A record that says "固态锂电池" or "电池…固态电解质" is about solid-state batteries too;
    a term that loses characters when split ("大模型" → 模型) must appear whole.
    """
    parts = words(term)
    return tuple(parts) if len(parts) >= 2 and all(len(p) >= 2 for p in parts) else ()
