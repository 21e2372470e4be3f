"""An embedding cache keyed by content hash, so a rebuild never re-embeds unchanged text.

Embedding is the cost of ingest (DESIGN.md, "Performance facts": ~5–12 chunks/s), so
vectors are kept in SQLite beside the index, keyed by sha256 of the embedded text and
namespaced by model. Each batch commits on its own: a crash loses at most one batch.
What people type is not cached (it is cheap and rarely repeats), as in langchain's
``CacheBackedEmbeddings``; query vectors of texts taken from the knowledge base itself (a
demand that a briefing matches) are, under their own namespace, because a briefing embeds a
hundred of them and they do not change until the record does.

Usage example::

    cached = CachedEmbeddings(E5Embeddings(), Path(".kezhuan/embeddings.sqlite"), namespace="e5")
    cached.embed_documents(["第三十四条 …"])   # embeds once; later calls read the cache
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.records import content_hash

__all__ = ["CachedEmbeddings"]

ProgressCallback = Callable[[int], None]


class CachedEmbeddings(Embeddings):
    """Wrap any ``Embeddings``; documents are looked up by hash before they are embedded.

    :param embedder: the model that computes missing vectors.
    :param path: SQLite file of the cache (created if missing).
    :param namespace: model name; vectors of different models never mix.
    :param batch_size: misses embedded (and committed) per round.
    """

    def __init__(self, embedder: Embeddings, path: Path, *, namespace: str, batch_size: int = 32) -> None:
        if batch_size <= 0:
            raise ValueError("batch_size must be positive")
        self.embedder = embedder
        self.namespace = namespace
        self.batch_size = batch_size
        self.hits = 0
        self.misses = 0
        self.on_progress: ProgressCallback | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (namespace TEXT, hash TEXT, vector BLOB, PRIMARY KEY (namespace, hash))"
        )
        self._db.commit()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._cached(texts, self.namespace, self.embedder.embed_documents, self.on_progress)

    def embed_stored_queries(self, texts: list[str]) -> list[list[float]]:
        """Query vectors (not document vectors) of texts from indexed records, cached like documents.

        Only for the knowledge base's own words: a user's question is never written here.
        """
        return self._cached(texts, f"{self.namespace}:query", lambda batch: [self.embed_query(t) for t in batch], None)

    def _cached(
        self,
        texts: list[str],
        namespace: str,
        compute: Callable[[list[str]], list[list[float]]],
        progress: ProgressCallback | None,
    ) -> list[list[float]]:
        hashes = [content_hash(t) for t in texts]
        found = self._lookup(set(hashes), namespace)
        missing = [i for i, h in enumerate(hashes) if h not in found]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if progress and len(texts) > len(missing):
            progress(len(texts) - len(missing))
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start : start + self.batch_size]
            # Stored as float32; return what is stored so a cached and a fresh call agree.
            vectors = np.asarray(compute([texts[i] for i in batch]), dtype=np.float32)
            rows = [(namespace, hashes[i], vector.tobytes()) for i, vector in zip(batch, vectors, strict=True)]
            with self._lock:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
                self._db.commit()
            found.update({hashes[i]: vector.tolist() for i, vector in zip(batch, vectors, strict=True)})
            if progress:
                progress(len(batch))
        return [found[h] for h in hashes]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.embedder.embed_query(text)]

    def close(self) -> None:
        self._db.close()

    def _lookup(self, hashes: set[str], namespace: str) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        keys = list(hashes)
        with self._lock:
            for start in range(0, len(keys), 500):  # SQLite's limit on bound parameters
                part = keys[start : start + 500]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT hash, vector FROM vectors WHERE namespace = ? AND hash IN ({marks})",
                    [namespace, *part],
                ).fetchall()
                found.update({h: np.frombuffer(blob, dtype=np.float32).tolist() for h, blob in rows})
        return found
