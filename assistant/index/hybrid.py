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

import math
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
POST_FILTER_SHARE = 0.5  # below this share of allowed chunks, Chroma filters (over-fetching would cost more)
OVERFETCH = 1.5  # neighbours fetched beyond k / share, so chance clusters of hidden chunks rarely force a retry


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
        dense = self.nearest(query_vectors, depth, search_filter)
        out = []
        for query, vector, dense_hits in zip(queries, query_vectors, dense, strict=True):
            tokens = tokenize(query)
            keyword_hits = self.keyword.search_tokens(tokens, depth, search_filter)
            coverage = max((self.keyword.coverage(tokens, h.id) for h in keyword_hits[:COVERAGE_DEPTH]), default=0.0)
            out.append(Legs(vector, tokens, dense_hits, keyword_hits, coverage))
        return out

    def nearest(self, vectors: Sequence[list[float]], k: int, search_filter: SearchFilter) -> list[list[Hit]]:
        """The dense leg: the ``k`` chunks nearest to each vector that the filter allows.

        Chroma finds the nearest ids; their chunks, and whether the filter allows them, come
        from the keyword index, which holds every chunk in memory. Reading texts and metadata
        back from Chroma, and Chroma's own metadata pre-filter, were most of this leg's time.
        When most chunks pass (the usual visibility filter) enough neighbours are fetched that
        ``k`` of them pass; when few do (agencies only), or too few passed, Chroma filters.
        """
        share = self.keyword.share(search_filter)
        found: list[list[Hit] | None] = [None] * len(vectors)
        if share >= POST_FILTER_SHARE and k > 0:
            fetch = math.ceil(k / share * OVERFETCH)
            for n, rows in enumerate(self.dense.nearest(vectors, fetch)):
                chunks = self.keyword.visible([chunk_id for chunk_id, _ in rows], search_filter)
                hits = [
                    Hit(chunk, similarity)
                    for (_, similarity), chunk in zip(rows, chunks, strict=True)
                    if chunk is not None
                ]
                if len(hits) >= k or len(rows) < fetch:  # enough, or every chunk was seen
                    found[n] = hits[:k]
        again = [n for n, hits in enumerate(found) if hits is None]
        for n, hits in zip(
            again, self.dense.search_by_vectors([vectors[n] for n in again], k, search_filter), strict=True
        ):
            found[n] = hits
        return [hits or [] for hits in found]

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
            return self.nearest([self.dense.embedder.embed_query(query)], k, search_filter)[0]
        legs = self.legs([query], [self.dense.embedder.embed_query(query)], search_filter, depth=depth)[0]
        weights = [1.0, keyword_weight(legs.coverage) if mode is FusionMode.ADAPTIVE else 1.0]
        fused = weighted_rrf([[h.id for h in legs.dense], [h.id for h in legs.keyword]], weights)
        by_id = {h.id: h for h in legs.keyword} | {h.id: h for h in legs.dense}
        return [Hit(by_id[i].chunk, score) for i, score in list(fused.items())[:k]]
