"""Officer briefings (简报): scope, figures, policy highlights and recommended actions.

A briefing answers "where do we stand on TOPIC?" for an officer who reports upward, so
every number in it is counted from indexed records, never estimated or generated:

1. **scope**: the records that belong to the topic. An industry named in the topic (or
   ``industry``) and the other metadata filters (IPC, filing dates, legal status,
   maturity) select patents; what is left of the topic once industry and generic words
   (成果、盘活、简报…) are removed must appear verbatim in a record's text. A topic such
   as "存量专利盘活进展" therefore covers the whole stock;
2. **figures**: counts by industry, IPC section, maturity, legal status and cooperation
   mode; demands by industry and budget; demands with a match above
   :data:`MATCH_THRESHOLD` (the matching workflow) and their top pairs; whitelisted
   agencies able to serve. Each figure says what it counts and over which records;
3. **policy highlights**: cited sentences from the policy guides and FAQ, as in Q&A;
4. **recommended actions**, each with the figures that justify it;
5. a **narrative** paragraph: assembled from the figures offline; written by the LLM
   when one is configured, and kept only if every number in it is in the figures.

Confidential disclosures are counted in officer briefings only and never quoted or
named. Rendering (charts, Markdown, Word) lives in :mod:`assistant.report`.

Usage example::

    briefer = Briefer(KnowledgeIndex(Settings()))
    briefing = briefer.build(BriefingRequest(topic="人工智能领域可转化成果"))
    [(f.name, f.value) for f in briefing.figures]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.errors import InputError
from assistant.generate.extractive import ExtractiveComposer
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Role
from assistant.query import clean_query
from assistant.records import Chunk, Citation, DocType
from assistant.tasks.agencies import Agency, list_agencies
from assistant.tasks.fit import maturity_level, parse_money
from assistant.tasks.matching import Matcher

__all__ = [
    "INDUSTRIES",
    "MATCH_THRESHOLD",
    "Action",
    "Briefer",
    "Briefing",
    "BriefingRequest",
    "Chart",
    "Figure",
    "Pair",
]

# Shanghai's "3+6" industries, the labels the knowledge base uses (knowledge/README.md).
INDUSTRIES = ("集成电路", "生物医药", "人工智能", "电子信息", "生命健康", "汽车", "高端装备", "先进材料", "时尚消费品")
IPC_SECTIONS = {
    "A": "人类生活必需",
    "B": "作业、运输",
    "C": "化学、冶金",
    "D": "纺织、造纸",
    "E": "固定建筑物",
    "F": "机械工程",
    "G": "物理",
    "H": "电学",
}
LEGAL_STATUS_ORDER = ("实质审查", "授权", "有效", "失效", "驳回")
IN_FORCE = ("授权", "有效")
COOPERATION_MODES = ("转让", "许可", "作价投资", "合作开发", "技术服务")
# Budget ranges by their upper bound in 万元; 面议 and blanks are their own bucket.
BUDGET_BUCKETS = ((30, "30万元及以下"), (100, "30–100万元"), (300, "100–300万元"), (float("inf"), "300万元以上"))
NEGOTIABLE = "面议或未填"
# The matcher's combined score (0–1) at which an officer can forward a pair with confidence;
# on the shipped sample data the best true pair of a demand usually scores 0.8–0.95.
MATCH_THRESHOLD = 0.80
TOP_PAIRS = 5
LISTED_IN_ACTIONS = 5
# University invention patents are kept about 4.6 years on average (BRIEF.md §7, 教育部统计):
# one in force for longer with no demand matched this period is a candidate for grading.
GRADING_AGE_YEARS = 5
HIGH_MATURITY_TRL = 6
TRANSFER_SERVICES = ("价值评估", "技术经纪")  # what pushing pairs and grading old patents need
HIGHLIGHT_SENTENCES = 4
GENERAL_POLICY_QUESTION = "高校可以通过哪些方式转化科技成果，完成人能获得多少奖励？"
# Words that say what kind of briefing is wanted, not which technology it is about.
GENERIC_TOPIC_WORDS = re.compile(
    r"本季度|本年度|本月|季度|年度|上半年|下半年|领域|方向|行业|产业|相关|可转化|转化|科技成果|成果|存量|专利|盘活|进展|"
    r"简报|情况|分析|报告|汇总|概况|政策|要点|改革|赋权|工作|生成|一份|请|帮我|技术|的|和|与|及"
)
IPC_IN_TOPIC = re.compile(r"\b([A-H]\d{2}[A-Z])\b")
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
    role: Role = Role.OFFICER


@dataclass(frozen=True)
class Figure:
    """One number of the briefing, with what it counts and over which records."""

    name: str
    value: int
    counted_over: str
    group: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "counted_over": self.counted_over}


@dataclass(frozen=True)
class Chart:
    """A bar chart's data; several series are stacked."""

    title: str
    categories: tuple[str, ...]
    series: dict[str, tuple[int, ...]]
    unit: str = "项"


@dataclass(frozen=True)
class Pair:
    demand: Chunk
    patent: Chunk
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Action:
    text: str
    reason: str


@dataclass
class Briefing:
    """A briefing's content; :mod:`assistant.report` renders it."""

    title: str
    request: BriefingRequest
    scope: str
    reference_date: date
    figures: list[Figure]
    charts: list[Chart]
    pairs: list[Pair]
    highlights: str
    citations: tuple[Citation, ...]
    highlights_note: str
    actions: list[Action]
    narrative: str
    narrative_by: str = "离线模板"
    notice: str = ""
    sample_data: bool = False
    records: list[Chunk] = field(default_factory=list)  # records named in pairs and actions

    def figure(self, name: str) -> int:
        return next(f.value for f in self.figures if f.name == name)

    def sources(self) -> list[dict[str, str]]:
        """Every cited or named document once, with its locator."""
        seen: dict[tuple[str, str], dict[str, str]] = {}
        for chunk in [c.chunk for c in self.citations] + self.records:
            seen.setdefault(
                (chunk.doc_id, chunk.locator), {"doc_id": chunk.doc_id, "title": chunk.title, "locator": chunk.locator}
            )
        return list(seen.values())


class Briefer:
    """Builds briefings from one index.

    :param index: where the records, policies and agencies are.
    :param llm: a chat model for the narrative (``None``: offline template only).
    """

    def __init__(self, index: KnowledgeIndex, *, llm: Any = None) -> None:
        self.index = index
        self.llm = llm

    def build(self, request: BriefingRequest, *, progress: Callable[[str], None] | None = None) -> Briefing:
        """The briefing for ``request``.

        :param progress: called with a short Chinese message before each slow step.
        :raises EmptyQueryError: the topic is empty.
        :raises InputError: an unknown industry, a reversed date range, or an index
            without patents or demands.
        """
        say = progress or (lambda _message: None)
        topic, _ = clean_query(request.topic)
        scope = _Scope.of(request, topic)
        say("统计成果与需求记录")
        all_patents, all_demands = _records(self.index, DocType.PATENT), _records(self.index, DocType.DEMAND)
        if not all_patents and not all_demands:
            raise InputError("索引中没有专利或需求记录，无法统计；请先运行 kezhuan ingest knowledge/")
        patents = [c for c in all_patents if scope.admits_patent(c)]
        demands = [c for c in all_demands if scope.admits_demand(c)]
        disclosures = (
            [c for c in _documents(self.index, DocType.DISCLOSURE) if scope.admits_text(c)]
            if request.role is Role.OFFICER
            else []
        )
        agencies = [
            a for a in list_agencies(self.index, whitelisted_only=True) if scope.industry is None or _serves(a, scope)
        ]
        say(f"为 {len(demands)} 项需求匹配成果")
        best = self._best_matches(demands, progress=say)
        pairs = sorted((p for p in best.values() if round(p.score, 2) >= MATCH_THRESHOLD), key=lambda p: -p.score)
        say("检索政策要点")
        highlights, citations, note = self._highlights(topic)
        figures = _figures(scope, patents, demands, disclosures, agencies, pairs, request.role)
        charts = _charts(patents, demands)
        actions, named = _actions(scope, patents, demands, best, pairs, agencies)
        narrative = _offline_narrative(scope, figures)
        briefing = Briefing(
            title=f"{topic}简报" if not topic.endswith("简报") else topic,
            request=request,
            scope=scope.describe(),
            reference_date=scope.reference_date,
            figures=figures,
            charts=charts,
            pairs=pairs[:TOP_PAIRS],
            highlights=highlights,
            citations=citations,
            highlights_note=note,
            actions=actions,
            narrative=narrative,
            records=[c for p in pairs[:TOP_PAIRS] for c in (p.patent, p.demand)] + named,
            sample_data=any(c.meta.get("sample") is True for c in [*patents, *demands]),
        )
        if self.llm is not None:
            say("大模型撰写概述")
            from assistant.tasks.briefing_narrative import write_narrative

            briefing.narrative, briefing.narrative_by, briefing.notice = write_narrative(self.llm, briefing)
        return briefing

    # -- steps ---------------------------------------------------------------------------
    def _best_matches(self, demands: Sequence[Chunk], *, progress: Callable[[str], None]) -> dict[str, Pair]:
        """Each demand's best public patent (enterprises see only public records)."""
        matcher = Matcher(self.index)
        best: dict[str, Pair] = {}
        for n, demand in enumerate(demands, start=1):
            if n % 20 == 0:
                progress(f"已匹配 {n}/{len(demands)} 项需求")
            result = matcher.for_demand(demand_id=demand.doc_id, k=1, role=Role.ENTERPRISE)
            if result.matches:
                top = result.matches[0]
                best[demand.doc_id] = Pair(demand, top.chunk, top.score, tuple(top.reasons))
        return best

    def _highlights(self, topic: str) -> tuple[str, tuple[Citation, ...], str]:
        """Cited policy sentences on the topic; general ones when the topic has none."""
        from assistant.tasks.qa import EVIDENCE_THRESHOLD

        composer = ExtractiveComposer(self.index.embeddings, self.index.keyword, max_sentences=HIGHLIGHT_SENTENCES)
        retriever = self.index.retriever(top_k=8)
        policy = [DocType.POLICY, DocType.FAQ]
        for query, note in (
            (f"{topic} 政策规定", ""),
            (GENERAL_POLICY_QUESTION, "知识库中没有专门针对该主题的政策，以下为通用政策要点。"),
        ):
            hits = retriever.retrieve(query, doc_types=policy, role=Role.OFFICER)
            composition = composer.compose(query, hits)
            if composition.text and composition.evidence >= EVIDENCE_THRESHOLD:
                return composition.text, composition.citations, note
        return "", (), "知识库中没有找到相关政策依据。"


# -- scope ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Scope:
    industry: str | None
    ipc: str | None
    terms: tuple[str, ...]
    since: date | None
    until: date | None
    legal_status: str | None
    min_level: int | None
    min_maturity: str | None
    reference_date: date

    @classmethod
    def of(cls, request: BriefingRequest, topic: str) -> _Scope:
        industry = request.industry or next((i for i in INDUSTRIES if i in topic), None)
        if industry is not None and industry not in INDUSTRIES:
            raise InputError(f"未知产业：{industry}；可选：{'、'.join(INDUSTRIES)}")
        if request.since and request.until and request.since > request.until:
            raise InputError(f"起始日期 {request.since} 晚于截止日期 {request.until}")
        min_level = maturity_level(request.min_maturity) if request.min_maturity else None
        if request.min_maturity and min_level is None:
            raise InputError(f"无法识别成熟度：{request.min_maturity}；可写 TRL1–TRL9 或 样品、小试、中试、量产")
        ipc_in_topic = IPC_IN_TOPIC.search(topic)
        ipc = (request.ipc or (ipc_in_topic.group(1) if ipc_in_topic else "")).replace(" ", "").upper() or None
        rest = IPC_IN_TOPIC.sub(" ", topic)
        for word in INDUSTRIES:
            rest = rest.replace(word, " ")
        terms = tuple(t for t in TERM_SPLIT.split(GENERIC_TOPIC_WORDS.sub(" ", rest)) if len(t) >= 2)
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

    def admits_patent(self, chunk: Chunk) -> bool:
        meta = chunk.meta
        filed = _date(meta.get("filing_date"))
        level = maturity_level(str(meta.get("maturity", "")))
        return (
            self._industry_ok(meta.get("industry"))
            and (self.ipc is None or any(code.startswith(self.ipc) for code in _ipc_codes(meta.get("ipc"))))
            and (self.since is None or (filed is not None and filed >= self.since))
            and (self.until is None or (filed is not None and filed <= self.until))
            and (self.legal_status is None or meta.get("legal_status") == self.legal_status)
            and (self.min_level is None or (level is not None and level >= self.min_level))
            and self.admits_text(chunk)
        )

    def admits_demand(self, chunk: Chunk) -> bool:
        """A demand belongs when its industry and terms fit and it is open in the period."""
        deadline = _date(chunk.meta.get("deadline"))
        open_in_period = self.since is None or deadline is None or deadline >= self.since
        return self._industry_ok(chunk.meta.get("industry")) and open_in_period and self.admits_text(chunk)

    def admits_text(self, chunk: Chunk) -> bool:
        """Topic terms appear in the text; for documents without an industry field, the industry does too."""
        text = f"{chunk.title}\n{chunk.text}"
        industry_ok = chunk.doc_type is not DocType.DISCLOSURE or self.industry is None or self.industry in text
        return industry_ok and all(term in text for term in self.terms)

    def _industry_ok(self, value: object) -> bool:
        return self.industry is None or _main_industry(value) == self.industry

    def describe(self) -> str:
        parts = [f"所属产业={self.industry}"] if self.industry else []
        parts += [f"IPC以{self.ipc}开头"] if self.ipc else []
        parts += [f"文本含「{t}」" for t in self.terms]
        if self.since or self.until:
            parts.append(f"申请日{self.since or '不限'}至{self.until or '不限'}")
        parts += [f"法律状态={self.legal_status}"] if self.legal_status else []
        parts += [f"成熟度不低于{self.min_maturity}"] if self.min_maturity else []
        return "；".join(parts) or "全部记录"


def _serves(agency: Agency, scope: _Scope) -> bool:
    return any(f == "不限" or f == scope.industry for f in agency.fields)


def _records(index: KnowledgeIndex, doc_type: DocType) -> list[Chunk]:
    """One chunk per record (tabular records are one chunk each; keep the first if split)."""
    first: dict[str, Chunk] = {}
    for chunk in index.dense.chunks(doc_type):
        first.setdefault(chunk.doc_id, chunk)
    return sorted(first.values(), key=lambda c: c.doc_id)


def _documents(index: KnowledgeIndex, doc_type: DocType) -> list[Chunk]:
    """One chunk per document holding the whole document's text, for term tests."""
    parts: dict[str, list[Chunk]] = {}
    for chunk in index.dense.chunks(doc_type):
        parts.setdefault(chunk.doc_id, []).append(chunk)
    return [
        Chunk(
            doc_id=doc_id,
            doc_type=doc_type,
            title=chunks[0].title,
            source=chunks[0].source,
            locator="",
            text="\n".join(c.text for c in chunks),
            visibility=chunks[0].visibility,
        )
        for doc_id, chunks in sorted(parts.items())
    ]


def _main_industry(value: object) -> str:
    return str(value or "").split("/")[0].strip()


def _ipc_codes(value: object) -> list[str]:
    return [code.replace(" ", "").upper() for code in str(value or "").split("；") if code.strip()]


def _ipc_section(value: object) -> str:
    codes = _ipc_codes(value)
    return codes[0][0] if codes and codes[0][0] in IPC_SECTIONS else ""


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def _modes(value: object) -> list[str]:
    text = str(value or "")
    return [mode for mode in COOPERATION_MODES if mode in text]


def budget_bucket(budget: object) -> str:
    """The budget range a demand's 预算区间 falls in, by its upper bound."""
    money = parse_money(str(budget or ""))
    if money is None:
        return NEGOTIABLE
    return next(label for bound, label in BUDGET_BUCKETS if money[1] <= bound)


def _maturity_order(label: str) -> tuple[int, str]:
    return (maturity_level(label) or 0, label)


# -- figures and charts --------------------------------------------------------------------
def _figures(
    scope: _Scope,
    patents: Sequence[Chunk],
    demands: Sequence[Chunk],
    disclosures: Sequence[Chunk],
    agencies: Sequence[Agency],
    pairs: Sequence[Pair],
    role: Role,
) -> list[Figure]:
    where = scope.describe()
    over_patents = f"范围内的专利/成果记录 {len(patents)} 条（{where}）"
    over_demands = f"范围内的企业需求 {len(demands)} 条（{where}）"
    in_force = sum(1 for p in patents if p.meta.get("legal_status") in IN_FORCE)
    mature = sum(1 for p in patents if (maturity_level(str(p.meta.get("maturity", ""))) or 0) >= HIGH_MATURITY_TRL)
    figures = [
        Figure("成果总数", len(patents), f"专利/成果记录（{where}）", "总量"),
        Figure("有效或已授权的成果", in_force, over_patents + "，法律状态为授权或有效", "总量"),
        Figure(
            f"成熟度达到TRL{HIGH_MATURITY_TRL}及以上的成果",
            mature,
            over_patents + "，成熟度折算为TRL（中试≈TRL6，量产≈TRL8）",
            "总量",
        ),
        Figure("企业需求总数", len(demands), f"企业需求记录（{where}；截止日期不早于起始日期）", "总量"),
        Figure(
            f"有匹配度≥{MATCH_THRESHOLD:.2f}成果的需求",
            len(pairs),
            over_demands + "，每项需求取匹配工作流排名第一的公开成果",
            "总量",
        ),
        Figure(
            "可提供服务的白名单机构",
            len(agencies),
            f"白名单机构（服务领域含{scope.industry}或不限）" if scope.industry else "全部白名单机构",
            "总量",
        ),
    ]
    if role is Role.OFFICER:
        figures.append(
            Figure("处于披露阶段的保密成果", len(disclosures), f"保密披露文档（仅计数，不引用；{where}）", "总量")
        )
    figures += _counted(
        "成果按所属产业", Counter(_main_industry(p.meta.get("industry")) for p in patents), over_patents
    )
    sections = Counter(_ipc_section(p.meta.get("ipc")) or "未分类" for p in patents)
    figures += _counted(
        "成果按IPC部",
        Counter({f"{s} {IPC_SECTIONS.get(s, '')}".strip(): n for s, n in sections.items()}),
        over_patents + "，按主分类号",
    )
    figures += _counted(
        "成果按成熟度",
        Counter(str(p.meta.get("maturity") or "未填") for p in patents),
        over_patents,
        order=_maturity_order,
    )
    figures += _counted(
        "成果按法律状态",
        Counter(str(p.meta.get("legal_status") or "未填") for p in patents),
        over_patents,
        order=_status_order,
    )
    figures += _counted(
        "成果按合作方式",
        Counter(m for p in patents for m in _modes(p.meta.get("cooperation_mode"))),
        over_patents + "，一项成果可有多种方式",
        order=_mode_order,
    )
    figures += _counted(
        "需求按所属行业", Counter(_main_industry(d.meta.get("industry")) for d in demands), over_demands
    )
    figures += _counted(
        "需求按预算区间",
        Counter(budget_bucket(d.meta.get("budget")) for d in demands),
        over_demands + "，按预算上限归档",
        order=_budget_order,
    )
    return figures


def _counted(
    group: str,
    counts: Counter[str],
    counted_over: str,
    *,
    order: Callable[[str], Any] | None = None,
) -> list[Figure]:
    labels = sorted(counts, key=order) if order else [label for label, _ in counts.most_common()]
    return [Figure(f"{group}：{label}", counts[label], counted_over, group) for label in labels]


def _status_order(label: str) -> tuple[int, str]:
    return (LEGAL_STATUS_ORDER.index(label) if label in LEGAL_STATUS_ORDER else len(LEGAL_STATUS_ORDER), label)


def _mode_order(label: str) -> int:
    return COOPERATION_MODES.index(label)


def _budget_order(label: str) -> int:
    labels = [name for _, name in BUDGET_BUCKETS] + [NEGOTIABLE]
    return labels.index(label)


def _charts(patents: Sequence[Chunk], demands: Sequence[Chunk]) -> list[Chart]:
    """The main distributions; the same counts as the figures, arranged for plotting."""
    charts = []
    maturities = sorted({str(p.meta.get("maturity") or "未填") for p in patents}, key=_maturity_order)
    statuses = sorted({str(p.meta.get("legal_status") or "未填") for p in patents}, key=_status_order)
    if patents:
        charts.append(
            _stacked(
                "成果按成熟度与法律状态",
                maturities,
                statuses,
                [(str(p.meta.get("maturity") or "未填"), str(p.meta.get("legal_status") or "未填")) for p in patents],
            )
        )
        sections = Counter(_ipc_section(p.meta.get("ipc")) or "未分类" for p in patents)
        labels = tuple(sorted(sections))
        charts.append(
            Chart(
                "成果按IPC部",
                tuple(f"{s} {IPC_SECTIONS.get(s, '')}".strip() for s in labels),
                {"成果": tuple(sections[s] for s in labels)},
            )
        )
    buckets = [name for _, name in BUDGET_BUCKETS] + [NEGOTIABLE]
    industries = [label for label, _ in Counter(_main_industry(d.meta.get("industry")) for d in demands).most_common()]
    if len(industries) == 1:
        budgets = Counter(budget_bucket(d.meta.get("budget")) for d in demands)
        charts.append(
            Chart(f"{industries[0]}需求按预算区间", tuple(buckets), {"需求": tuple(budgets[b] for b in buckets)})
        )
    elif demands:
        charts.append(
            _stacked(
                "需求按行业与预算区间",
                industries,
                buckets,
                [(_main_industry(d.meta.get("industry")), budget_bucket(d.meta.get("budget"))) for d in demands],
            )
        )
    if patents or demands:
        supply = Counter(m for p in patents for m in _modes(p.meta.get("cooperation_mode")))
        demand = Counter(m for d in demands for m in _modes(d.meta.get("cooperation_mode")))
        charts.append(
            Chart(
                "合作方式：成果可提供与需求期望",
                COOPERATION_MODES,
                {
                    "成果": tuple(supply[m] for m in COOPERATION_MODES),
                    "需求": tuple(demand[m] for m in COOPERATION_MODES),
                },
            )
        )
    return charts


def _stacked(title: str, categories: Sequence[str], stacks: Sequence[str], rows: Iterable[tuple[str, str]]) -> Chart:
    counts = Counter(rows)
    series = {s: tuple(counts[(c, s)] for c in categories) for s in stacks if any(counts[(c, s)] for c in categories)}
    return Chart(title, tuple(categories), series)


# -- actions and narrative -----------------------------------------------------------------
def _actions(
    scope: _Scope,
    patents: Sequence[Chunk],
    demands: Sequence[Chunk],
    best: dict[str, Pair],
    pairs: Sequence[Pair],
    agencies: Sequence[Agency],
) -> tuple[list[Action], list[Chunk]]:
    """What the figures suggest doing next, each with its reason; and the records named."""
    actions: list[Action] = []
    named: list[Chunk] = []
    if pairs:
        enterprises = {str(p.demand.meta.get("enterprise", "")) for p in pairs}
        top = pairs[0]
        actions.append(
            Action(
                f"向 {len(enterprises)} 家企业推送匹配度≥{MATCH_THRESHOLD:.2f}的成果（前 {min(len(pairs), TOP_PAIRS)} 组见第四节），"
                f"首推「{top.patent.title}」（{top.patent.doc_id}）对接需求 {top.demand.doc_id}",
                f"{len(pairs)} 项需求的最佳匹配达到阈值，最高匹配度 {top.score:.2f}；" + "；".join(top.reasons[1:3]),
            )
        )
    unmatched = [d for d in demands if d.doc_id not in {p.demand.doc_id for p in pairs}]
    if unmatched:
        listed = unmatched[:LISTED_IN_ACTIONS]
        named += listed
        more = f"等 {len(unmatched)} 项" if len(unmatched) > len(listed) else ""
        actions.append(
            Action(
                f"将需求 {'、'.join(d.doc_id for d in listed)}{more}发布到技术交易平台，公开征集解决方案",
                f"成果库中没有匹配度≥{MATCH_THRESHOLD:.2f}的成果"
                + "（最高："
                + "、".join(f"{d.doc_id} {best[d.doc_id].score:.2f}" for d in listed if d.doc_id in best)
                + "）",
            )
        )
    paired = {p.patent.doc_id for p in pairs}
    cutoff = scope.reference_date.replace(year=scope.reference_date.year - GRADING_AGE_YEARS)
    aging = [
        p
        for p in patents
        if p.meta.get("legal_status") in IN_FORCE
        and (filed := _date(p.meta.get("filing_date"))) is not None
        and filed <= cutoff
        and p.doc_id not in paired
    ]
    if aging:
        listed = aging[:LISTED_IN_ACTIONS]
        named += listed
        more = f"等 {len(aging)} 项" if len(aging) > len(listed) else ""
        actions.append(
            Action(
                f"对 {'、'.join(p.doc_id for p in listed)}{more}开展分级评估（重点运营／挂牌或开放许可／评估后放弃）",
                f"申请已满 {GRADING_AGE_YEARS} 年、仍在维持，本期没有匹配的企业需求；"
                "高校发明专利平均维持约4.6年，年费随年限递增",
            )
        )
    brokers = [a for a in agencies if set(a.services) & set(TRANSFER_SERVICES)]
    if brokers and (pairs or aging):
        top = sorted(brokers, key=lambda a: -a.overall)[:3]
        actions.append(
            Action(
                f"委托白名单机构 {'、'.join(a.name for a in top)} 提供{'或'.join(TRANSFER_SERVICES)}服务",
                "均在科技创新券白名单内、提供上述服务，服务领域覆盖本主题；按六项条件加权的综合评分排序",
            )
        )
    if not patents:
        actions.append(Action("扩大检索范围或补充成果数据后再生成简报", "当前范围内没有成果记录"))
    return actions, named


def _offline_narrative(scope: _Scope, figures: Sequence[Figure]) -> str:
    """The overview paragraph, assembled only from the figures."""
    value = {f.name: f.value for f in figures}
    matched = f"有匹配度≥{MATCH_THRESHOLD:.2f}成果的需求"
    text = (
        f"截至{scope.reference_date.isoformat()}，本简报范围（{scope.describe()}）内共有成果{value['成果总数']}项，"
        f"其中有效或已授权{value['有效或已授权的成果']}项，"
        f"成熟度达到TRL{HIGH_MATURITY_TRL}及以上{value[f'成熟度达到TRL{HIGH_MATURITY_TRL}及以上的成果']}项。"
        f"范围内企业需求{value['企业需求总数']}项，其中{value[matched]}项在成果库中找到匹配度不低于"
        f"{MATCH_THRESHOLD:.2f}的成果；可提供服务的白名单机构{value['可提供服务的白名单机构']}家。"
    )
    if "处于披露阶段的保密成果" in value:
        text += f"另有{value['处于披露阶段的保密成果']}项成果处于保密披露阶段（仅计数）。"
    return text
