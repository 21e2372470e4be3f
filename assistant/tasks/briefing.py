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
3. **policy highlights**: cited sentences from the policy guides and FAQ, composed and
   grounded by the same rule as answers (:mod:`assistant.generate.grounding`);
4. **recommended actions**, each with the figures that justify it;
5. a **narrative** paragraph: assembled from the figures offline; written by the LLM
   when one is configured, and kept only if every number in it is in the figures.

Every record is read through the index for the caller's audience. Confidential
disclosures are counted in officer briefings only and never quoted or named; demands
are matched against public patents only, because the pairs are meant to be pushed to
enterprises. The scope rules are in :mod:`~assistant.tasks.briefing_scope`, the counting in
:mod:`~assistant.tasks.briefing_figures`, the LLM overview in
:mod:`~assistant.tasks.briefing_narrative`; rendering (charts, Markdown, Word) is in
:mod:`assistant.report`.

Usage example::

    briefer = Briefer(KnowledgeIndex(Settings()))
    briefing = briefer.build(BriefingRequest(topic="人工智能领域可转化成果"), Audience(Role.OFFICER))
    [(f.name, f.value) for f in briefing.figures]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from assistant.domain import Agency, Demand, Disclosure, Patent
from assistant.errors import InputError
from assistant.generate.extractive import ExtractiveComposer
from assistant.generate.grounding import EVIDENCE_THRESHOLD
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.query import clean_query
from assistant.records import Chunk, Citation, DocType
from assistant.tasks.agencies import list_agencies
from assistant.tasks.briefing_figures import (
    HIGH_MATURITY_TRL,
    MATCH_THRESHOLD,
    MATCHED_CONFIDENCE,
    Chart,
    Figure,
    count_figures,
    draw_charts,
)
from assistant.tasks.briefing_scope import INDUSTRIES, BriefingRequest, Scope
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

TOP_PAIRS = 5
LISTED_IN_ACTIONS = 5
# University invention patents are kept about 4.6 years on average (BRIEF.md §7, 教育部统计):
# one in force for longer with no demand matched this period is a candidate for grading.
GRADING_AGE_YEARS = 5
TRANSFER_SERVICES = ("价值评估", "技术经纪")  # what pushing pairs and grading old patents need
HIGHLIGHT_SENTENCES = 4
GENERAL_POLICY_QUESTION = "高校可以通过哪些方式转化科技成果，完成人能获得多少奖励？"


@dataclass(frozen=True)
class Pair:
    """A demand and its best public patent, with the matcher's score and reasons."""

    demand: Chunk
    patent: Chunk
    score: float
    reasons: tuple[str, ...]
    confidence: str = ""


@dataclass(frozen=True)
class Action:
    """Something the officer should do next, and the figures that say why."""

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

    def build(
        self, request: BriefingRequest, audience: Audience, *, progress: Callable[[str], None] | None = None
    ) -> Briefing:
        """The briefing for ``request``, from what ``audience`` may see.

        :param progress: called with a short Chinese message before each slow step.
        :raises EmptyQueryError: the topic is empty.
        :raises InputError: an unknown industry, a reversed date range, or an index
            without patents or demands.
        """
        say = progress or (lambda _message: None)
        topic, _ = clean_query(request.topic)
        scope = Scope.of(request, topic)
        say("统计成果与需求记录")
        all_patents = _records(self.index, DocType.PATENT, audience)
        all_demands = _records(self.index, DocType.DEMAND, audience)
        if not all_patents and not all_demands:
            raise InputError("知识库中没有专利或需求记录，无法统计")
        patents = [p for p in map(Patent.from_chunk, all_patents) if scope.admits_patent(p)]
        demands = [d for d in map(Demand.from_chunk, all_demands) if scope.admits_demand(d)]
        disclosures = [
            d
            for d in map(Disclosure.from_chunk, _documents(self.index, DocType.DISCLOSURE, audience))
            if scope.admits_disclosure(d)
        ]
        agencies = [
            a
            for a in list_agencies(self.index, audience, whitelisted_only=True)
            if scope.industry is None or a.serves_field(scope.industry)
        ]
        say(f"为 {len(demands)} 项需求匹配成果")
        best = self._best_matches(demands, progress=say)
        pairs = sorted((p for p in best.values() if p.confidence in MATCHED_CONFIDENCE), key=lambda p: -p.score)
        pairs[:TOP_PAIRS] = self._explained(pairs[:TOP_PAIRS])
        say("检索政策要点")
        highlights, citations, note = self._highlights(topic, audience)
        figures = count_figures(scope, patents, demands, disclosures, agencies, len(pairs), audience.role)
        charts = draw_charts(patents, demands)
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
            sample_data=any(p.sample for p in patents) or any(d.sample for d in demands),
        )
        if self.llm is not None:
            say("大模型撰写概述")
            from assistant.tasks.briefing_narrative import write_narrative

            written = write_narrative(self.llm, briefing)
            briefing.narrative, briefing.narrative_by, briefing.notice = written.text, written.by, written.notice
        return briefing

    # -- steps ---------------------------------------------------------------------------
    def _best_matches(self, demands: Sequence[Demand], *, progress: Callable[[str], None]) -> dict[str, Pair]:
        """Each demand's best public patent: the pairs are pushed to enterprises, who see public records only.

        All demands are matched in one batch without reasons; reasons are written for the
        pairs the briefing shows (:func:`_explained`).
        """
        results = Matcher(self.index).for_demands(
            [d.id for d in demands], audience=Audience.public(), k=1, explain=False
        )
        progress(f"已匹配 {len(demands)} 项需求")
        best: dict[str, Pair] = {}
        for demand in demands:
            result = results.get(demand.id)
            if result and result.matches:
                top = result.matches[0]
                best[demand.id] = Pair(demand.chunk, top.chunk, top.score, tuple(top.reasons), top.confidence)
        return best

    def _explained(self, pairs: Sequence[Pair]) -> list[Pair]:
        """``pairs`` with the matcher's reasons (same matches: the ranking does not depend on them)."""
        results = Matcher(self.index).for_demands([p.demand.doc_id for p in pairs], audience=Audience.public(), k=1)
        return [
            replace(p, reasons=tuple(results[p.demand.doc_id].matches[0].reasons))
            if p.demand.doc_id in results and results[p.demand.doc_id].matches
            else p
            for p in pairs
        ]

    def _highlights(self, topic: str, audience: Audience) -> tuple[str, tuple[Citation, ...], str]:
        """Cited policy sentences on the topic; general ones when the topic has none."""
        composer = ExtractiveComposer(self.index.embeddings, self.index.idf, max_sentences=HIGHLIGHT_SENTENCES)
        policy = [DocType.POLICY, DocType.FAQ]
        for query, note in (
            (f"{topic} 政策规定", ""),
            (GENERAL_POLICY_QUESTION, "知识库中没有专门针对该主题的政策，以下为通用政策要点。"),
        ):
            hits = self.index.search(query, audience, top_k=8, doc_types=policy)
            composition = composer.compose(query, hits)
            if composition.text and composition.evidence >= EVIDENCE_THRESHOLD:
                return composition.text, composition.citations, note
        return "", (), "知识库中没有找到相关政策依据。"


def _records(index: KnowledgeIndex, doc_type: DocType, audience: Audience) -> list[Chunk]:
    """One chunk per record (tabular records are one chunk each; keep the first if split)."""
    first: dict[str, Chunk] = {}
    for chunk in index.records(doc_type, audience):
        first.setdefault(chunk.doc_id, chunk)
    return sorted(first.values(), key=lambda c: c.doc_id)


def _documents(index: KnowledgeIndex, doc_type: DocType, audience: Audience) -> list[Chunk]:
    """One chunk per document holding the whole document's text, for term tests."""
    parts: dict[str, list[Chunk]] = {}
    for chunk in index.records(doc_type, audience):
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
            meta=chunks[0].meta,
        )
        for doc_id, chunks in sorted(parts.items())
    ]


# -- actions and narrative -----------------------------------------------------------------
def _actions(
    scope: Scope,
    patents: Sequence[Patent],
    demands: Sequence[Demand],
    best: dict[str, Pair],
    pairs: Sequence[Pair],
    agencies: Sequence[Agency],
) -> tuple[list[Action], list[Chunk]]:
    """What the figures suggest doing next, each with its reason; and the records named."""
    paired_demands = {p.demand.doc_id for p in pairs}
    paired_patents = {p.patent.doc_id for p in pairs}
    unmatched = [d for d in demands if d.id not in paired_demands]
    cutoff = scope.reference_date.replace(year=scope.reference_date.year - GRADING_AGE_YEARS)
    aging = [
        p
        for p in patents
        if p.in_force and p.filing_date is not None and p.filing_date <= cutoff and p.id not in paired_patents
    ]
    candidates = [
        _push(pairs, [d for d in demands if d.id in paired_demands]),
        _post(unmatched, best),
        _grade(aging),
        _engage(agencies) if pairs or aging else None,
        None if patents else Action("扩大检索范围或补充成果数据后再生成简报", "当前范围内没有成果记录"),
    ]
    named = [d.chunk for d in unmatched[:LISTED_IN_ACTIONS]] + [p.chunk for p in aging[:LISTED_IN_ACTIONS]]
    return [a for a in candidates if a is not None], named


def _listed(records: Sequence[Patent | Demand]) -> str:
    """ "A、B、C" or "A、B、C、D、E等 12 项": the first few ids and how many in all."""
    shown = records[:LISTED_IN_ACTIONS]
    more = f"等 {len(records)} 项" if len(records) > len(shown) else ""
    return "、".join(r.id for r in shown) + more


def _push(pairs: Sequence[Pair], paired: Sequence[Demand]) -> Action | None:
    """Forward the pairs above the threshold; ``paired`` are their demands, for the enterprises."""
    if not pairs:
        return None
    first = pairs[0]
    enterprises = {d.enterprise for d in paired}
    return Action(
        f"向 {len(enterprises)} 家企业推送{MATCH_THRESHOLD}的成果（前 {min(len(pairs), TOP_PAIRS)} 组列于「高匹配供需对」），"
        f"首推「{first.patent.title}」（{first.patent.doc_id}）对接需求 {first.demand.doc_id}",
        f"{len(pairs)} 项需求的最佳匹配{MATCH_THRESHOLD}，首推一组可信度{first.confidence}；"
        + "；".join(first.reasons[1:3]),
    )


def _post(unmatched: Sequence[Demand], best: dict[str, Pair]) -> Action | None:
    if not unmatched:
        return None
    scores = "、".join(f"{d.id} 可信度{best[d.id].confidence}" for d in unmatched[:LISTED_IN_ACTIONS] if d.id in best)
    return Action(
        f"将需求 {_listed(unmatched)}发布到技术交易平台，公开征集解决方案",
        f"成果库中没有{MATCH_THRESHOLD}的成果" + (f"（最佳匹配：{scores}）" if scores else ""),
    )


def _grade(aging: Sequence[Patent]) -> Action | None:
    if not aging:
        return None
    return Action(
        f"对 {_listed(aging)}开展分级评估（重点运营／挂牌或开放许可／评估后放弃）",
        f"申请已满 {GRADING_AGE_YEARS} 年、仍在维持，本期没有匹配的企业需求；高校发明专利平均维持约4.6年，年费随年限递增",
    )


def _engage(agencies: Sequence[Agency]) -> Action | None:
    brokers = sorted((a for a in agencies if set(a.services) & set(TRANSFER_SERVICES)), key=lambda a: -a.overall)
    if not brokers:
        return None
    return Action(
        f"委托白名单机构 {'、'.join(a.name for a in brokers[:3])} 提供{'或'.join(TRANSFER_SERVICES)}服务",
        "均在科技创新券白名单内、提供上述服务，服务领域覆盖本主题；按六项条件加权的综合评分排序",
    )


def _offline_narrative(scope: Scope, figures: Sequence[Figure]) -> str:
    """The overview paragraph, assembled only from the figures."""
    value = {f.name: f.value for f in figures}
    matched = f"有{MATCH_THRESHOLD}成果的需求"
    text = (
        f"截至{scope.reference_date.isoformat()}，本简报范围（{scope.describe()}）内共有成果{value['成果总数']}项，"
        f"其中有效或已授权{value['有效或已授权的成果']}项，"
        f"成熟度达到TRL{HIGH_MATURITY_TRL}及以上{value[f'成熟度达到TRL{HIGH_MATURITY_TRL}及以上的成果']}项。"
        f"范围内企业需求{value['企业需求总数']}项，其中{value[matched]}项在成果库中找到"
        f"{MATCH_THRESHOLD}的成果；可提供服务的白名单机构{value['可提供服务的白名单机构']}家。"
    )
    if "处于披露阶段的保密成果" in value:
        text += f"另有{value['处于披露阶段的保密成果']}项成果处于保密披露阶段（仅计数）。"
    return text
