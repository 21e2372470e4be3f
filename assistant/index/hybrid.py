"""Hybrid retrieval: dense and keyword legs, each filtered, fused into one ranking.

Both legs apply the same :class:`SearchFilter` inside their search (before their
top-k), then the rankings are fused (``fusion.py``). Each leg fetches more candidates
than asked for, so an item ranked modestly by both can still rise to the top.

The legs are exposed as :class:`Legs` because the matcher re-scores the same
candidates its own way (title blend, fit of stated terms): it starts from the legs
instead of searching the stores a second time.

Usage example::

    retriever = HybridRetriever(dense_store, keyword_store, top_k=5)
    hits = retriever.retrieve("高校科技成果转化奖励比例", Audience.public().filter())
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.index.bm25_store import BM25Store
from assistant.index.chroma_store import ChromaStore
from assistant.index.fusion import FusionMode, keyword_weight, weighted_rrf
from assistant.index.tokenizer import tokenize
from assistant.index.visibility import SearchFilter
from assistant.records import Hit

__all__ = ["DEFAULT_CANDIDATES", "DEFAULT_TOP_K", "HybridRetriever", "Legs"]

DEFAULT_TOP_K = 10
DEFAULT_CANDIDATES = 50  # per leg; fusion needs depth beyond top_k to find agreement
COVERAGE_DEPTH = 3  # keyword hits whose coverage is considered


@dataclass(frozen=True)
class Legs:
    """What each leg found for one query, before fusion.

    ``coverage`` is the best share of the query's idf mass that one of the top keyword
    hits contains: how far the keyword ranking can be trusted (``fusion.keyword_weight``).
    """

    query_vector: list[float]
    query_tokens: list[str]
    dense: list[Hit]
    keyword: list[Hit]
    coverage: float


class HybridRetriever:
    """Dense + keyword retrieval with adaptive fusion.

    :param dense: the vector store.
    :param keyword: the BM25 store.
    :param top_k: hits returned when a call does not say.
    :param candidates: hits fetched from each leg before fusion.
    :raises ValueError: a non-positive ``top_k`` or ``candidates``.
    """

    def __init__(
        self,
        dense: ChromaStore,
        keyword: BM25Store,
        *,
        top_k: int = DEFAULT_TOP_K,
        candidates: int = DEFAULT_CANDIDATES,
    ) -> None:
        if top_k <= 0 or candidates <= 0:
            raise ValueError("top_k and candidates must be positive")
        self.dense = dense
        self.keyword = keyword
        self.top_k = top_k
        self.candidates = candidates

    def legs(
        self, queries: Sequence[str], query_vectors: Sequence[list[float]], search_filter: SearchFilter, *, depth: int
    ) -> list[Legs]:
        """Both legs' hits for each query, ``depth`` each: one vector-store call for all of them.

        :param query_vectors: each query's vector, computed by the caller (it knows which
            text to embed and whether that vector may be cached).
        """
        share = self.keyword.share(search_filter)
        dense = self.dense.search_by_vectors(query_vectors, depth, search_filter, share=share)
        out = []
        for query, vector, dense_hits in zip(queries, query_vectors, dense, strict=True):
            tokens = tokenize(query)
            keyword_hits = self.keyword.search_tokens(tokens, depth, search_filter)
            coverage = max((self.keyword.coverage(tokens, h.id) for h in keyword_hits[:COVERAGE_DEPTH]), default=0.0)
            out.append(Legs(vector, tokens, dense_hits, keyword_hits, coverage))
        return out

    def retrieve(
        self,
        query: str,
        search_filter: SearchFilter,
        *,
        top_k: int | None = None,
        mode: FusionMode = FusionMode.ADAPTIVE,
    ) -> list[Hit]:
        """The best chunks for ``query`` that ``search_filter`` allows, best first.

        The score is the fused score (or the leg's own score in ``dense``/``keyword`` mode).
        """
        k = top_k or self.top_k
        depth = max(self.candidates, k)
        if mode is FusionMode.KEYWORD:
            return self.keyword.search_tokens(tokenize(query), k, search_filter)
        if mode is FusionMode.DENSE:
            return self.dense.search(query, k, search_filter, share=self.keyword.share(search_filter))
        legs = self.legs([query], [self.dense.embedder.embed_query(query)], search_filter, depth=depth)[0]
        weights = [1.0, keyword_weight(legs.coverage) if mode is FusionMode.ADAPTIVE else 1.0]
        fused = weighted_rrf([[h.id for h in legs.dense], [h.id for h in legs.keyword]], weights)
        by_id = {h.id: h for h in legs.keyword} | {h.id: h for h in legs.dense}
        return [Hit(by_id[i].chunk, score) for i, score in list(fused.items())[:k]]
