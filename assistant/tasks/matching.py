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

Every match carries its score parts and readable reasons ("技术领域一致：H01M",
"合作方式：许可 ✓"). Candidates come from the index's retrieval legs for the caller's
audience, so an enterprise never matches against a confidential disclosure, and an id
the audience may not see is "not indexed".

Usage example::

    matcher = Matcher(KnowledgeIndex(Settings()))
    result = matcher.for_demand(demand_id="D-A001", audience=Audience.public(), k=5)
    [(m.chunk.title, m.reasons) for m in result.matches]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from assistant.domain import Demand, Patent, parse_record
from assistant.errors import InputError
from assistant.index.fusion import keyword_weight, rrf, scaled
from assistant.index.hybrid import Legs
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.tokenizer import tokenize
from assistant.index.visibility import Audience
from assistant.query import clean_query
from assistant.records import Chunk, DocType, Match
from assistant.tasks.fit import term_fits

__all__ = ["MatchMode", "MatchResult", "Matcher"]

# The query side's stated terms: an indexed demand or patent; free text states none.
Terms = Patent | Demand | None
DEFAULT_K = 10
CANDIDATES = 60
WEIGHTS = {"semantic": 0.65, "keyword": 0.2, "fit": 0.15}
# Share of the title's cosine in the semantic part; tuned on the corpus demand sets
# (evals/REPORT.md): 0 → business MRR 0.76, 0.25 → about 0.80, engineer unchanged.
TITLE_WEIGHT = 0.25
SHARED_TERMS_SHOWN = 4
# Words every demand uses that say nothing about the technology wanted.
BOILERPLATE = re.compile(
    r"我们公司|我司|本公司|我们|公司|企业|希望|想要|想找|寻求|寻找|需要|求购|急需|有没有|能否|能不能|请问|"
    r"预算\S*万元|合作方式\S*|截止\S*|联系\S*"
)


class MatchMode(StrEnum):
    """How candidates are ranked (dense and rrf exist for the evaluation)."""

    DENSE = "dense"
    RRF = "rrf"
    COMBINED = "combined"


@dataclass(frozen=True)
class MatchResult:
    query: str
    matches: list[Match]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "matches": [m.to_dict() for m in self.matches]}


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

        :param text: the demand in free text, or
        :param demand_id: an indexed demand, whose industry, budget, maturity and
            cooperation terms then count too.
        :raises InputError: neither or both given, or the id is not indexed.
        """
        query, record = self._query(text, demand_id, DocType.DEMAND, audience)
        targets = (DocType.PATENT, DocType.DISCLOSURE)
        return MatchResult(query, self._rank(query, record, targets, k, audience, mode, demand_side=True))

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
        return MatchResult(query, self._rank(query, record, (DocType.DEMAND,), k, audience, mode, demand_side=False))

    # -- steps ---------------------------------------------------------------------------
    def _query(self, text: str | None, doc_id: str | None, doc_type: DocType, audience: Audience) -> tuple[str, Terms]:
        """The text to search with, and the record whose stated terms count (none for free text)."""
        if (text is None) == (doc_id is None):
            raise InputError("请给出需求文本或编号之一")
        if text is not None:
            return clean_query(text)[0], None
        assert doc_id is not None
        chunks = self.index.get(doc_id, audience, doc_type)
        if not chunks:
            kind = "需求" if doc_type is DocType.DEMAND else "专利"
            raise InputError(f"没有找到编号为 {doc_id} 的{kind}")
        return chunks[0].text, _terms(chunks[0])

    def _rank(
        self,
        query: str,
        record: Terms,
        targets: tuple[DocType, ...],
        k: int,
        audience: Audience,
        mode: MatchMode,
        *,
        demand_side: bool,
    ) -> list[Match]:
        legs = self.index.legs(
            query, audience, doc_types=targets, depth=self.candidates, dense_query=BOILERPLATE.sub("", query) or query
        )
        dense, keyword, query_tokens = legs.dense, legs.keyword, legs.query_tokens
        if mode is MatchMode.DENSE:
            return [
                self._match(h.chunk, h.score, {"semantic": h.score}, query_tokens, record, demand_side)
                for h in dense[:k]
            ]
        if mode is MatchMode.RRF:
            fused = rrf([[h.id for h in dense], [h.id for h in keyword]])
            chunks = {h.id: h.chunk for h in [*dense, *keyword]}
            return [
                self._match(chunks[i], s, {"rrf": s}, query_tokens, record, demand_side)
                for i, s in list(fused.items())[:k]
            ]
        return self._combined(legs, record, k, demand_side=demand_side)

    def _combined(self, legs: Legs, record: Terms, k: int, *, demand_side: bool) -> list[Match]:
        chunks = {h.id: h.chunk for h in [*legs.keyword, *legs.dense]}
        semantic = scaled(self._semantic(legs.query_vector, list(chunks.values())))
        trust = min(keyword_weight(legs.coverage), 1.0)
        lexical = {i: s * trust for i, s in scaled({h.id: h.score for h in legs.keyword}).items()}
        query_tokens = legs.query_tokens
        matches = []
        for chunk_id, chunk in chunks.items():
            fits = _fits(record, _terms(chunk), demand_side)
            fit = float(np.mean([score for score, _ in fits])) if fits else 0.0
            parts = {"semantic": semantic.get(chunk_id, 0.0), "keyword": lexical.get(chunk_id, 0.0), "fit": fit}
            score = sum(WEIGHTS[name] * value for name, value in parts.items())
            matches.append(self._match(chunk, score, parts, query_tokens, record, demand_side, fits))
        matches.sort(key=lambda m: -m.score)
        return matches[:k]

    def _semantic(self, query_vector: list[float], chunks: list[Chunk]) -> dict[str, float]:
        """Cosine to each candidate's indexed text, blended with the cosine to its title.

        Both come from the embedding cache after the first time (the texts were embedded
        at ingest; titles on first use), so re-scoring all candidates stays cheap.
        """
        query = np.asarray(query_vector)
        bodies = np.asarray(self.index.embeddings.embed_documents([c.index_text for c in chunks])) @ query
        titles = np.asarray(self.index.embeddings.embed_documents([c.title for c in chunks])) @ query
        blended = (1 - TITLE_WEIGHT) * bodies + TITLE_WEIGHT * titles
        return {c.id: float(score) for c, score in zip(chunks, blended, strict=True)}

    def _match(
        self,
        chunk: Chunk,
        score: float,
        parts: dict[str, float],
        query_tokens: list[str],
        record: Terms,
        demand_side: bool,
        fits: list[tuple[float, str]] | None = None,
    ) -> Match:
        reasons = []
        common = {t for t in set(query_tokens) & set(tokenize(chunk.index_text)) if len(t) >= 2 and not t.isdigit()}
        whole = [t for t in common if not any(t != other and t in other for other in common)]  # 电动车, not 动车
        shared = sorted(whole, key=self.index.idf, reverse=True)[:SHARED_TERMS_SHOWN]
        if "semantic" in parts:
            reasons.append(f"语义相近度：{parts['semantic']:.2f}")
        if shared:
            reasons.append(f"共同关键词：{'、'.join(shared)}")
        for _, reason in fits if fits is not None else _fits(record, _terms(chunk), demand_side):
            reasons.append(reason)
        return Match(chunk, score, parts, tuple(reasons))


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
