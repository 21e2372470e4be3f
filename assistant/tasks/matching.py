"""Two-way matching: an enterprise demand → technologies, a technology → enterprise demands.

Both directions rank by one combined score:

- **semantic**: e5 cosine between the query and each candidate, blended with the cosine
  to the candidate's title alone (a title names the product or problem in few words,
  which is how business owners describe a need), then scaled within the candidate list
  (e5 cosines sit in a narrow band, so only their order carries meaning);
- **keyword**: BM25, scaled within the list and weighted by the keyword leg's coverage
  (``fusion.keyword_weight``): business-language demands share few words with a patent,
  and a weak keyword match must not drag down a good semantic one (DESIGN.md,
  "Performance facts");
- **fit**: the stated terms of both sides — same industry or IPC subclass, maturity,
  cooperation mode, budget vs asking price, region — averaged over the terms both state.

The ranking score is relative; next to it every shown match carries an absolute, calibrated
confidence 高/中/低 (:mod:`assistant.tasks.confidence`). When even the best candidate is 低
the result says so (``no_match``: 「知识库中暂无合适成果」 with next steps) instead of ranking
what does not fit. A need typed in plain words is read into the fields an indexed demand has
(``Demand.from_text``: budget, cooperation mode, maturity, region, deadline), shown back as
``understood`` and used in fit and reasons. Reasons and cards (:mod:`assistant.tasks.match_card`)
are built for the matches shown only. Candidates come from the index's retrieval legs for the
caller's audience, so an enterprise never matches against a confidential disclosure, and an id
the audience may not see is "not indexed".

Usage example::

    matcher = Matcher(KnowledgeIndex(Settings()))
    result = matcher.for_demand(demand_id="D-A001", audience=Audience.public(), k=5)
    [(m.chunk.title, m.reasons) for m in result.matches]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from assistant.domain import Demand, Patent, need_text, parse_record
from assistant.errors import InputError
from assistant.index.fusion import keyword_weight, rrf, scaled
from assistant.index.hybrid import Legs
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.query import clean_query
from assistant.records import Chunk, DocType, Match
from assistant.tasks.confidence import Confidence, Evidence, describe, grade
from assistant.tasks.fit import term_fits
from assistant.tasks.match_card import card, query_words, quote, shared_words

__all__ = ["NO_MATCH", "MatchMode", "MatchResult", "Matcher"]

# The query side's stated terms: an indexed demand or patent; free text states none.
Terms = Patent | Demand | None
DEFAULT_K = 10
CANDIDATES = 60
WEIGHTS = {"semantic": 0.65, "keyword": 0.2, "fit": 0.15}
# Share of the title's cosine in the semantic part; tuned on the corpus demand sets
# (evals/REPORT.md): 0 → business MRR 0.76, 0.25 → about 0.80, engineer unchanged.
TITLE_WEIGHT = 0.25
DEMAND_TARGETS = (DocType.PATENT, DocType.DISCLOSURE)  # what meets a demand
NO_MATCH = "知识库中暂无合适成果"
NEXT_STEPS = (
    "将需求发布到技术交易平台（如所在地技术市场、高校成果转化平台），公开征集解决方案；",
    "委托科技创新券白名单中的技术经纪机构代为对接高校院所（见「服务机构」页面或 kezhuan agencies --service 技术经纪）；",
    "补充需求细节（要解决的问题、指标、预算、合作方式）后重新匹配。",
)
NO_DEMAND = "暂无合适的企业需求"
NEXT_STEPS_FOR_PATENT = (
    "在技术交易平台或专利开放许可平台挂牌，公开征集受让或被许可企业；",
    "委托科技创新券白名单中的技术经纪机构推广（见「服务机构」页面）。",
)


class MatchMode(StrEnum):
    """How candidates are ranked (dense and rrf exist for the evaluation)."""

    DENSE = "dense"
    RRF = "rrf"
    COMBINED = "combined"


@dataclass(frozen=True)
class MatchResult:
    """Ranked matches, what was read from the query, and whether anything suitable exists.

    ``no_match`` is true when even the best match is 低 (or nothing was found): the matches
    are then the nearest records for reference only, and ``next_steps`` says what to do.
    """

    query: str
    matches: list[Match]
    understood: dict[str, Any] = field(default_factory=dict)
    no_match: bool = False
    next_steps: tuple[str, ...] = ()

    @property
    def verdict(self) -> str:
        """The one line a person reads first: 「知识库中暂无合适成果」 or the count by confidence."""
        if self.no_match:
            return NO_MATCH if not self.matches or self.matches[0].chunk.doc_type is not DocType.DEMAND else NO_DEMAND
        counts = {level: sum(m.confidence == level for m in self.matches) for level in Confidence}
        return "；".join(f"可信度{level}：{n}项" for level, n in counts.items() if n)

    def understood_line(self) -> str:
        """「理解为：预算≤50万元；合作方式：许可」 — the terms read from the query, or ""."""
        labels = {
            "budget": "预算",
            "cooperation_mode": "合作方式",
            "maturity": "成熟度要求",
            "region": "地区",
            "deadline": "期限",
        }
        parts = []
        for key, label in labels.items():
            value = self.understood.get(key)
            if value:
                parts.append(
                    f"{label}{'' if key == 'budget' else '：'}{'、'.join(value) if isinstance(value, list) else value}"
                )
        return "理解为：" + "；".join(parts) if parts else ""

    def to_dict(self) -> dict[str, Any]:
        keys = ("budget", "cooperation_mode", "maturity", "region", "deadline")
        return {
            "query": self.query,
            "understood": {key: self.understood.get(key) for key in keys},
            "no_match": self.no_match,
            "next_steps": list(self.next_steps),
            "matches": [m.to_dict() for m in self.matches],
        }


class Matcher:
    """Ranks patents for demands and demands for patents.

    :param index: the knowledge index holding both.
    :param candidates: hits fetched per retrieval leg before re-ranking.
    """

    def __init__(self, index: KnowledgeIndex, *, candidates: int = CANDIDATES) -> None:
        if candidates <= 0:
            raise ValueError("candidates must be positive")
        self.index = index
        self.candidates = candidates

    def for_demand(
        self,
        text: str | None = None,
        *,
        audience: Audience,
        demand_id: str | None = None,
        k: int = DEFAULT_K,
        mode: MatchMode = MatchMode.COMBINED,
    ) -> MatchResult:
        """Technologies (patents, and disclosures for those allowed) that meet a demand.

        :param text: the demand in free text (its budget, mode, maturity, region and deadline
            are read from the words), or
        :param demand_id: an indexed demand, whose industry, budget, maturity and
            cooperation terms then count too.
        :raises InputError: neither or both given, or the id is not indexed.
        """
        if demand_id is not None and text is None:
            found = self.for_demands([demand_id], audience=audience, k=k, mode=mode)
            if demand_id not in found:
                raise InputError(f"没有找到编号为 {demand_id} 的需求")
            return found[demand_id]
        query, record = self._query(text, demand_id, DocType.DEMAND, audience)
        legs = self.index.legs(
            query, audience, doc_types=DEMAND_TARGETS, depth=self.candidates, dense_query=need_text(query)
        )
        matches = self._rank(query, legs, record, k, mode, None, demand_side=True, explain=True)
        return self._result(query, matches, record.understood() if isinstance(record, Demand) else {}, NEXT_STEPS)

    def for_demands(
        self,
        demand_ids: Sequence[str],
        *,
        audience: Audience,
        k: int = DEFAULT_K,
        mode: MatchMode = MatchMode.COMBINED,
        explain: bool = True,
    ) -> dict[str, MatchResult]:
        """:meth:`for_demand` for many indexed demands at once (a briefing matches the whole stock).

        One read for the demands, cached query vectors, one vector-store call for all of
        them; the ranking is the one :meth:`for_demand` gives each demand alone.

        :param explain: build the reasons (the costly part of a match's text); without them a
            match still carries its score and confidence.
        :returns: by demand id; ids not indexed (or hidden from ``audience``) are absent.
        """
        first: dict[str, Chunk] = {}
        for chunk in self.index.get_many(demand_ids, audience, DocType.DEMAND):
            first.setdefault(chunk.doc_id, chunk)
        ids = [i for i in dict.fromkeys(demand_ids) if i in first]
        queries = [first[i].text for i in ids]
        legs = self.index.record_legs(
            queries, [need_text(q) for q in queries], audience, doc_types=DEMAND_TARGETS, depth=self.candidates
        )
        profiles = self._profiles(legs) if mode is MatchMode.COMBINED else None
        results = {}
        for demand_id, query, found in zip(ids, queries, legs, strict=True):
            record = _terms(first[demand_id])
            matches = self._rank(query, found, record, k, mode, profiles, demand_side=True, explain=explain)
            understood = record.understood() if isinstance(record, Demand) else {}
            results[demand_id] = self._result(query, matches, understood, NEXT_STEPS)
        return results

    def for_patent(
        self,
        patent_id: str,
        *,
        audience: Audience,
        k: int = DEFAULT_K,
        mode: MatchMode = MatchMode.COMBINED,
    ) -> MatchResult:
        """Enterprise demands that an indexed patent could satisfy.

        :raises InputError: the patent is not indexed (or the audience may not see it).
        """
        query, record = self._query(None, patent_id, DocType.PATENT, audience)
        legs = self.index.record_legs(
            [query], [need_text(query)], audience, doc_types=(DocType.DEMAND,), depth=self.candidates
        )
        matches = self._rank(query, legs[0], record, k, mode, None, demand_side=False, explain=True)
        return self._result(query, matches, {}, NEXT_STEPS_FOR_PATENT)

    # -- steps ---------------------------------------------------------------------------
    @staticmethod
    def _result(query: str, matches: list[Match], understood: dict[str, Any], steps: tuple[str, ...]) -> MatchResult:
        no_match = not matches or matches[0].confidence == Confidence.LOW
        return MatchResult(query, matches, understood, no_match, steps if no_match else ())

    def _query(self, text: str | None, doc_id: str | None, doc_type: DocType, audience: Audience) -> tuple[str, Terms]:
        """The text to search with, and the record whose stated terms count (read from the words for free text)."""
        if (text is None) == (doc_id is None):
            raise InputError("请给出需求文本或编号之一")
        if text is not None:
            query = clean_query(text)[0]
            return query, Demand.from_text(query)
        assert doc_id is not None
        chunks = self.index.get(doc_id, audience, doc_type)
        if not chunks:
            kind = "需求" if doc_type is DocType.DEMAND else "专利"
            raise InputError(f"没有找到编号为 {doc_id} 的{kind}")
        return chunks[0].text, _terms(chunks[0])

    def _rank(
        self,
        query: str,
        legs: Legs,
        record: Terms,
        k: int,
        mode: MatchMode,
        profiles: dict[str, np.ndarray] | None,
        *,
        demand_side: bool,
        explain: bool,
    ) -> list[Match]:
        if mode is MatchMode.DENSE:
            return [Match(h.chunk, h.score, {"semantic": h.score}) for h in legs.dense[:k]]
        if mode is MatchMode.RRF:
            fused = rrf([[h.id for h in legs.dense], [h.id for h in legs.keyword]])
            chunks = {h.id: h.chunk for h in [*legs.dense, *legs.keyword]}
            return [Match(chunks[i], s, {"rrf": s}) for i, s in list(fused.items())[:k]]
        if profiles is None:  # one query: its candidates' vectors (a batch passes them for all its queries)
            profiles = self._profiles([legs])
        return self._combined(query, legs, record, k, profiles, demand_side=demand_side, explain=explain)

    def _combined(
        self,
        query: str,
        legs: Legs,
        record: Terms,
        k: int,
        profiles: dict[str, np.ndarray],
        *,
        demand_side: bool,
        explain: bool,
    ) -> list[Match]:
        chunks = {h.id: h.chunk for h in [*legs.keyword, *legs.dense]}
        if not chunks:
            return []
        query_vector = np.asarray(legs.query_vector)
        cosines = {chunk_id: float(profiles[chunk_id] @ query_vector) for chunk_id in chunks}
        semantic = scaled(cosines)
        median = float(np.median(list(cosines.values())))
        trust = min(keyword_weight(legs.coverage), 1.0)
        lexical = {i: s * trust for i, s in scaled({h.id: h.score for h in legs.keyword}).items()}
        ranked = []
        for chunk_id, chunk in chunks.items():
            fits = _fits(record, _terms(chunk), demand_side)
            fit = float(np.mean([score for score, _ in fits])) if fits else 0.0
            parts = {"semantic": semantic.get(chunk_id, 0.0), "keyword": lexical.get(chunk_id, 0.0), "fit": fit}
            score = sum(WEIGHTS[name] * value for name, value in parts.items())
            ranked.append((score, chunk, parts, fits))
        ranked.sort(key=lambda item: -item[0])
        weights = {t: self.index.idf(t) for t in set(legs.query_tokens)}
        words = query_words(query) if explain else set()
        matches = []
        for score, chunk, parts, fits in ranked[:k]:
            evidence = Evidence(
                cosine=cosines[chunk.id],
                lift=cosines[chunk.id] - median,
                coverage=_coverage(weights, chunk.index_text),
                fit=parts["fit"] if fits else None,
            )
            parts = parts | {"cosine": evidence.cosine, "lift": evidence.lift, "coverage": evidence.coverage}
            reasons = (
                self._reasons(chunk, evidence, words, weights, fits) + _unpriced(record, chunk, demand_side)
                if explain
                else ()
            )
            matches.append(Match(chunk, score, parts, reasons, str(grade(evidence)), card(chunk)))
        return matches

    def _profiles(self, legs: Sequence[Legs]) -> dict[str, np.ndarray]:
        """Each candidate's vector for the semantic part: its indexed text's, blended with its title's.

        Cosine is linear, so the blend of the two cosines is the cosine with the blended
        vector. Both vectors come from the embedding cache after the first time (texts were
        embedded at ingest, titles on first use), read once for all candidates of a batch.
        """
        chunks = list({h.id: h.chunk for found in legs for h in [*found.keyword, *found.dense]}.values())
        if not chunks:
            return {}
        bodies = np.asarray(self.index.embeddings.embed_documents([c.index_text for c in chunks]))
        titles = np.asarray(self.index.embeddings.embed_documents([c.title for c in chunks]))
        blended = (1 - TITLE_WEIGHT) * bodies + TITLE_WEIGHT * titles
        return {c.id: row for c, row in zip(chunks, blended, strict=True)}

    def _reasons(
        self,
        chunk: Chunk,
        evidence: Evidence,
        words: set[str],
        weights: dict[str, float],
        fits: list[tuple[float, str]],
    ) -> tuple[str, ...]:
        """Confidence, the real words both texts use, the sentence that matches, and the terms compared."""
        reasons = [describe(evidence)]
        body = chunk.text.removeprefix(chunk.title).strip() or chunk.text
        if shared := shared_words(words, body, self.index.idf):
            reasons.append(f"共同关键词：{'、'.join(shared)}")
        if sentence := quote(body, weights, lambda t: weights.get(t, 0.0)):
            reasons.append(f"相关原文：「{sentence}」")
        reasons += [reason for _, reason in fits]
        return tuple(reasons)


def _coverage(weights: dict[str, float], text: str) -> float:
    """Share of the query's idf weight whose tokens occur in ``text`` (no re-tokenising of the candidate)."""
    total = sum(weights.values())
    lowered = text.lower()
    return sum(w for t, w in weights.items() if t in lowered) / total if total else 0.0


def _unpriced(record: Terms, chunk: Chunk, demand_side: bool) -> tuple[str, ...]:
    """A budget stated against a price of 面议 is no fit either way, but the reader should know."""
    demand, offer = (record, _terms(chunk)) if demand_side else (_terms(chunk), record)
    if not isinstance(demand, Demand) or not isinstance(offer, Patent):
        return ()
    if demand.budget.bounds is None or offer.asking_price.bounds is not None:
        return ()
    price = offer.asking_price.text or "未标价"
    return (f"价格：{price}，需与权利人协商（预算{demand.budget}）",)


def _terms(chunk: Chunk) -> Terms:
    """The record whose stated terms a chunk carries: a patent or a demand (disclosures state none)."""
    record = parse_record(chunk)
    return record if isinstance(record, Patent | Demand) else None


def _fits(query: Terms, other: Terms, demand_side: bool) -> list[tuple[float, str]]:
    """The terms both sides state, scored. ``demand_side``: the query is the demand."""
    demand, offer = (query, other) if demand_side else (other, query)
    if not isinstance(demand, Demand) or not isinstance(offer, Patent):
        return []
    return term_fits(demand, offer)
