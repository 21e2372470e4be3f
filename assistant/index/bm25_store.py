"""Keyword search: BM25 (bm25s) over jieba tokens, kept in a folder beside the vectors.

The folder holds ``chunks.jsonl`` (id, text, metadata, tokens — the source of truth)
and the bm25s index files built from it. Writes and deletes change the in-memory
table; :meth:`BM25Store.save` rebuilds the index and replaces the folder atomically
(write to ``bm25.tmp``, then rename), so a crash leaves either the old or the new index.

Usage example::

    store = BM25Store(Path(".kezhuan/bm25"))
    store.write(chunks); store.save()
    store.search_tokens(tokenize("沪科规〔2023〕9号"), k=5)
"""

from __future__ import annotations

import json
import math
import shutil
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import StoreError
from assistant.index.tokenizer import tokenize
from assistant.index.visibility import SearchFilter
from assistant.records import Chunk, Hit

__all__ = ["BM25Store"]

CHUNKS_FILE = "chunks.jsonl"
INDEX_DIR = "index"


@dataclass(frozen=True)
class _Entry:
    chunk: Chunk
    tokens: tuple[str, ...]


class BM25Store:
    """BM25 over the chunks' ``index_text``; filters are a score mask applied before top-k.

    :param path: the folder (created on first save).
    :raises StoreError: the folder exists but cannot be read.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, _Entry] = {}
        self._order: list[str] = []
        self._rows: dict[str, int] = {}  # chunk id → row
        self._retriever: Any = None
        self._masks: dict[SearchFilter, np.ndarray] = {}  # which rows each filter allows, per build
        self._postings = _Postings.of([])
        self._dirty = False
        if (path / CHUNKS_FILE).exists():
            self._load()

    # -- contents -------------------------------------------------------------------
    def write(self, chunks: Sequence[Chunk]) -> int:
        for chunk in chunks:
            self._entries[chunk.id] = _Entry(chunk, _shared(tokenize(chunk.index_text)))
        self._dirty = self._dirty or bool(chunks)
        return len(chunks)

    def delete(self, ids: Sequence[str]) -> None:
        for chunk_id in ids:
            if self._entries.pop(chunk_id, None) is not None:
                self._dirty = True

    def count(self) -> int:
        return len(self._entries)

    def ids(self) -> set[str]:
        return set(self._entries)

    # -- keyword specifics ----------------------------------------------------------
    def search_tokens(self, query_tokens: list[str], k: int, search_filter: SearchFilter | None = None) -> list[Hit]:
        """BM25 search for already tokenised text."""
        if self._dirty:
            self._build()
        if k <= 0 or not self._order or not query_tokens:
            return []
        doc_scores = np.asarray(self._retriever.get_scores(query_tokens), dtype=np.float64)  # (n_docs,)
        if search_filter is not None:
            doc_scores = np.where(self._allowed(search_filter), doc_scores, 0.0)
        k = min(k, len(doc_scores))
        top = np.argpartition(-doc_scores, k - 1)[:k]  # unordered best k
        top = top[np.argsort(-doc_scores[top], kind="stable")]
        return [Hit(self._entries[self._order[i]].chunk, float(doc_scores[i])) for i in top if doc_scores[i] > 0]

    def coverage(self, query_tokens: list[str], chunk_id: str) -> float:
        """Share of the query's information (idf-weighted terms) that the chunk contains.

        1.0 means every query term occurs in the chunk; near 0 means the keyword leg
        matched only common words, so its ranking deserves little trust.
        """
        if self._dirty:
            self._build()
        terms = set(query_tokens)
        row = self._rows.get(chunk_id)
        if row is None or not terms:
            return 0.0
        weights = {t: self.idf(t) for t in terms}
        total = sum(weights.values())
        found = sum(w for t, w in weights.items() if self._postings.contains(t, row))
        return found / total if total else 0.0

    def visible(self, ids: Sequence[str], search_filter: SearchFilter) -> list[Chunk | None]:
        """Each chunk by id when it is stored and ``search_filter`` allows it, else ``None``."""
        if self._dirty:
            self._build()
        allowed = self._allowed(search_filter)
        rows = [self._rows.get(chunk_id) for chunk_id in ids]
        return [self._entries[self._order[row]].chunk if row is not None and allowed[row] else None for row in rows]

    def document_frequency(self, term: str, search_filter: SearchFilter | None = None) -> int:
        """In how many chunks (that ``search_filter`` allows) ``term`` occurs."""
        if self._dirty:
            self._build()
        rows = self._postings.rows(term)
        if search_filter is None:
            return len(rows)
        return int(self._allowed(search_filter)[rows].sum())

    def share(self, search_filter: SearchFilter) -> float:
        """The share of chunks ``search_filter`` allows (the vector leg decides how to filter from it)."""
        if self._dirty:
            self._build()
        return float(self._allowed(search_filter).mean()) if self._order else 0.0

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency; unseen terms get the highest weight."""
        if self._dirty:
            self._build()
        n = max(len(self._entries), 1)
        df = len(self._postings.rows(term))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def save(self) -> None:
        """Rebuild the index and replace the folder atomically."""
        if self._dirty or self._retriever is None:
            self._build()
        tmp = self.path.with_name(self.path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with (tmp / CHUNKS_FILE).open("w", encoding="utf-8") as out:
            for chunk_id in self._order:
                entry = self._entries[chunk_id]
                out.write(
                    json.dumps(
                        {"text": entry.chunk.text, "metadata": entry.chunk.metadata(), "tokens": entry.tokens},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        if self._order:
            self._retriever.save(str(tmp / INDEX_DIR))
        old = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.path.exists():
            self.path.rename(old)
        tmp.rename(self.path)
        shutil.rmtree(old, ignore_errors=True)

    def _build(self) -> None:
        import bm25s

        self._index_rows()
        self._retriever = bm25s.BM25()
        if self._order:
            self._retriever.index([list(self._entries[i].tokens) or [""] for i in self._order], show_progress=False)
        self._dirty = False

    def _load(self) -> None:
        import bm25s

        try:
            with (self.path / CHUNKS_FILE).open(encoding="utf-8") as lines:
                for line in lines:
                    row = json.loads(line)
                    chunk = Chunk.from_stored(row["text"], row["metadata"])
                    self._entries[chunk.id] = _Entry(chunk, _shared(row["tokens"]))
        except (OSError, ValueError, KeyError) as exc:
            raise StoreError(f"关键词索引已损坏（{self.path}）：{exc}；请运行 kezhuan ingest --reset 重建") from exc
        self._index_rows()
        index_dir = self.path / INDEX_DIR
        if self._order and index_dir.exists():
            self._retriever = bm25s.BM25.load(str(index_dir))
        else:
            self._dirty = True

    def _index_rows(self) -> None:
        """Row order and postings for the current entries (filters and statistics read them)."""
        self._order = sorted(self._entries)
        self._rows = {chunk_id: row for row, chunk_id in enumerate(self._order)}
        self._masks = {}
        self._postings = _Postings.of([self._entries[i].tokens for i in self._order])

    def _allowed(self, search_filter: SearchFilter) -> np.ndarray:
        """Which rows the filter allows, computed once per filter and build."""
        mask = self._masks.get(search_filter)
        if mask is None:
            mask = np.fromiter(
                (search_filter.allows(self._entries[i].chunk.metadata()) for i in self._order),
                dtype=bool,
                count=len(self._order),
            )
            self._masks[search_filter] = mask
        return mask


def _shared(tokens: Sequence[str]) -> tuple[str, ...]:
    """The tokens as one shared string object per distinct word.

    Read from JSON, every occurrence of a word is its own string: at 100k chunks that was
    most of the keyword index's memory.
    """
    return tuple(sys.intern(t) for t in tokens)


class _Postings:
    """Which rows contain each term, as sorted int32 arrays in one block (no Python int per row).

    Lists of Python ints cost 36 bytes per occurrence, hundreds of MB at 100k chunks; this
    costs 4.
    """

    def __init__(self, vocabulary: dict[str, int], offsets: np.ndarray, rows: np.ndarray) -> None:
        self._vocabulary = vocabulary
        self._offsets = offsets
        self._rows = rows

    @classmethod
    def of(cls, documents: Sequence[Sequence[str]]) -> _Postings:
        vocabulary: dict[str, int] = {}
        term_ids = array("i")
        row_ids = array("i")
        for row, tokens in enumerate(documents):
            for term in set(tokens):
                term_ids.append(vocabulary.setdefault(term, len(vocabulary)))
                row_ids.append(row)
        terms = np.frombuffer(term_ids, dtype=np.int32) if term_ids else np.zeros(0, dtype=np.int32)
        rows = np.frombuffer(row_ids, dtype=np.int32) if row_ids else np.zeros(0, dtype=np.int32)
        order = np.argsort(terms, kind="stable")  # stable: each term's rows stay ascending
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(vocabulary)), out=offsets[1:])
        return cls(vocabulary, offsets, rows[order].copy())

    def rows(self, term: str) -> np.ndarray:
        """The rows containing ``term``, ascending (empty when no row does)."""
        term_id = self._vocabulary.get(term)
        if term_id is None:
            return self._rows[:0]
        return self._rows[self._offsets[term_id] : self._offsets[term_id + 1]]

    def contains(self, term: str, row: int) -> bool:
        rows = self.rows(term)
        at = int(np.searchsorted(rows, row))
        return at < len(rows) and int(rows[at]) == row
