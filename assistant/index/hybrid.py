"""Hybrid retrieval: dense and keyword legs, each filtered, fused into one ranking.

Both legs apply the same :class:`SearchFilter` inside their search (before their
top-k), then the rankings are fused (``fusion.py``). Each leg fetches more candidates
than asked for, so an item ranked modestly by both can still rise to the top.

Usage example::

    retriever = HybridRetriever(dense_store, keyword_store, top_k=5)
    hits = retriever.retrieve("高校科技成果转化奖励比例", role=Role.ENTERPRISE)
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.index.bm25_store import BM25Store
from assistant.index.chroma_store import ChromaStore
from assistant.index.fusion import FusionMode, keyword_weight, weighted_rrf
from assistant.index.tokenizer import tokenize
from assistant.index.visibility import Role, SearchFilter
from assistant.records import DocType, Hit

__all__ = ["DEFAULT_CANDIDATES", "DEFAULT_TOP_K", "HybridRetriever"]

DEFAULT_TOP_K = 10
DEFAULT_CANDIDATES = 50  # per leg; fusion needs depth beyond top_k to find agreement
COVERAGE_DEPTH = 3  # keyword hits whose coverage is considered


class HybridRetriever:
    """Dense + keyword retrieval with adaptive fusion.

    :param dense: the vector store.
    :param keyword: the BM25 store.
    :param top_k: hits returned when a call does not say.
    :param candidates: hits fetched from each leg before fusion.
    :param mode: fusion mode when a call does not say.
    :raises ValueError: a non-positive ``top_k`` or ``candidates``.
    """

    def __init__(
        self,
        dense: ChromaStore,
        keyword: BM25Store,
        *,
        top_k: int = DEFAULT_TOP_K,
        candidates: int = DEFAULT_CANDIDATES,
        mode: FusionMode = FusionMode.ADAPTIVE,
    ) -> None:
        if top_k <= 0 or candidates <= 0:
            raise ValueError("top_k and candidates must be positive")
        self.dense = dense
        self.keyword = keyword
        self.top_k = top_k
        self.candidates = candidates
        self.mode = mode

    def retrieve(
        self,
        query: str,
        *,
        top_k: int | None = None,
        doc_types: Iterable[DocType] | None = None,
        role: Role = Role.RESEARCHER,
        user: str | None = None,
        mode: FusionMode | None = None,
    ) -> list[Hit]:
        """The best chunks for ``query`` that ``role`` (and ``user``) may see.

        :param query: the user's text (already validated).
        :param top_k: overrides the instance's ``top_k``.
        :param doc_types: restrict to these document types.
        :param role: whose visibility rules apply.
        :param user: the researcher's id, to include their own disclosures.
        :param mode: overrides the instance's fusion mode.
        :returns: hits, best first; the score is the fused score (or the leg's own score
            in ``dense``/``keyword`` mode).
        """
        k = top_k or self.top_k
        mode = mode or self.mode
        search_filter = SearchFilter.for_role(role, user=user, doc_types=doc_types)
        depth = max(self.candidates, k)
        query_tokens = tokenize(query)
        if mode is FusionMode.KEYWORD:
            return self.keyword.search_tokens(query_tokens, k, search_filter)
        dense_hits = self.dense.search(query, depth, search_filter)
        if mode is FusionMode.DENSE:
            return dense_hits[:k]
        keyword_hits = self.keyword.search_tokens(query_tokens, depth, search_filter)
        weights = [1.0, 1.0]
        if mode is FusionMode.ADAPTIVE:
            coverage = max(
                (self.keyword.coverage(query_tokens, h.id) for h in keyword_hits[:COVERAGE_DEPTH]), default=0.0
            )
            weights[1] = keyword_weight(coverage)
        fused = weighted_rrf([[h.id for h in dense_hits], [h.id for h in keyword_hits]], weights)
        by_id = {h.id: h for h in keyword_hits} | {h.id: h for h in dense_hits}
        return [Hit(by_id[i].chunk, score) for i, score in list(fused.items())[:k]]
