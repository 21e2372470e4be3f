"""The index as one object, and the only door to stored knowledge.

It opens the vector store, the keyword store and the embedding cache from
:class:`Settings`, so the CLI, the UI and the evaluations build it the same way, and it
is the one place that knows the data-dir layout::

    .kezhuan/
      chroma/            embedded Chroma (absent in server mode)
      bm25/              keyword index
      manifest.json      file → chunks
      write.lock         held by the one process writing (ingest)
      index.version      changed by every writer; readers reopen their stores when it moves
      embeddings.sqlite  vector cache (or under KEZHUAN_CACHE_DIR)

Every read — search, the legs of a search, neighbours, listing the records of a type,
fetching a record by id, term statistics — takes an :class:`Audience` and applies its
filter inside the store, so a record the audience may not see is indistinguishable from
one that does not exist. The stores are private: tasks never read them directly.
Writes (:meth:`write`, :meth:`delete`, :meth:`sync_keyword`, :meth:`save`) are for the
ingest pipeline.

Usage example::

    index = KnowledgeIndex(Settings())
    index.search("职务科技成果披露", Audience.public(), top_k=5)
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from assistant.config import Settings
from assistant.errors import IndexBusyError
from assistant.index.bm25_store import BM25Store
from assistant.index.chroma_store import ChromaStore
from assistant.index.embedding_cache import CachedEmbeddings
from assistant.index.embeddings import embeddings_namespace, make_embeddings
from assistant.index.fusion import FusionMode
from assistant.index.hybrid import DEFAULT_CANDIDATES, DEFAULT_TOP_K, HybridRetriever, Legs
from assistant.index.visibility import Audience
from assistant.records import Chunk, DocType, DocumentSummary, Hit

__all__ = ["KnowledgeIndex"]


class KnowledgeIndex:
    """Opens (creating if needed) the stores under ``settings.data_dir``.

    :raises EmbeddingsUnavailableError: the embedding model cannot load.
    :raises StoreError: a store cannot be opened.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        # 0700: the data dir holds confidential text (Chroma, keyword index, drafts); a new one is
        # the service account's alone, whatever the modes of the files the stores create inside.
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.namespace = embeddings_namespace(settings)
        self.embeddings = CachedEmbeddings(
            make_embeddings(settings),
            Path(settings.embedding_cache_dir) / "embeddings.sqlite",
            namespace=self.namespace,
            batch_size=settings.embed_batch_size,
        )
        self._version = self._read_version()
        self._open_stores()

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    # -- reads: every one takes the audience ------------------------------------------------
    # Each read first checks the version marker, so a long-lived process (the app) sees what
    # another process's ingest wrote or deleted instead of serving stale or missing chunks.
    def search(
        self,
        query: str,
        audience: Audience,
        *,
        top_k: int = DEFAULT_TOP_K,
        doc_types: Iterable[DocType] | None = None,
        mode: FusionMode = FusionMode.ADAPTIVE,
    ) -> list[Hit]:
        """The best chunks for ``query`` that ``audience`` may see, best first (hybrid by default)."""
        self._refresh()
        return self._retriever.retrieve(query, audience.filter(doc_types), top_k=top_k, mode=mode)

    def legs(
        self,
        query: str,
        audience: Audience,
        *,
        doc_types: Iterable[DocType] | None = None,
        depth: int = DEFAULT_CANDIDATES,
        dense_query: str | None = None,
    ) -> Legs:
        """Both retrieval legs' hits before fusion, for callers that re-score candidates (matching)."""
        self._refresh()
        return self._retriever.legs(query, audience.filter(doc_types), depth=depth, dense_query=dense_query)

    def neighbours(
        self, text: str, audience: Audience, *, k: int, doc_types: Iterable[DocType] | None = None
    ) -> list[Hit]:
        """The ``k`` chunks nearest to ``text`` by meaning alone (similar patents, IPC votes)."""
        self._refresh()
        return self._dense.search(text, k, audience.filter(doc_types))

    def records(self, doc_type: DocType, audience: Audience) -> list[Chunk]:
        """Every chunk of one type that ``audience`` may see (the filter runs in Chroma)."""
        self._refresh()
        return list(self._dense.chunks(audience.filter([doc_type])))

    def documents(self, audience: Audience) -> list[DocumentSummary]:
        """One summary per document ``audience`` may see, by ``doc_id`` (the knowledge workbench's list)."""
        self._refresh()
        grouped: dict[str, list[Chunk]] = {}
        for chunk in self._dense.chunks(audience.filter()):
            grouped.setdefault(chunk.doc_id, []).append(chunk)
        return [
            DocumentSummary(
                doc_id=doc_id,
                doc_type=chunks[0].doc_type,
                title=chunks[0].title,
                visibility=chunks[0].visibility,
                chunk_ids=frozenset(c.id for c in chunks),
                region=str(chunks[0].meta.get("region", "")),
                effective_date=str(chunks[0].meta.get("effective_date", "")),
            )
            for doc_id, chunks in sorted(grouped.items())
        ]

    def get(self, doc_id: str, audience: Audience, doc_type: DocType | None = None) -> list[Chunk]:
        """The chunks of one document (a patent by its application number, a demand by its id).

        Empty when it does not exist *or* the audience may not see it: the two are
        deliberately indistinguishable.
        """
        self._refresh()
        search_filter = audience.filter([doc_type] if doc_type else None)
        return [c for c in self._dense.find(doc_id) if search_filter.allows(c.metadata())]

    def document_frequency(self, term: str, audience: Audience) -> int:
        """In how many chunks the audience may see ``term`` occurs (never counts hidden text)."""
        self._refresh()
        return self._keyword.document_frequency(term, audience.filter())

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency of a term over the whole index.

        It only weighs the terms of a text the caller already has; it reveals nothing
        about hidden chunks beyond a rounding of their share of the vocabulary.
        """
        return self._keyword.idf(term)

    def count(self) -> int:
        """How many chunks the index holds (for status lines; says nothing about their content)."""
        self._refresh()
        return self._keyword.count()

    # -- writes: for the ingest pipeline ---------------------------------------------------
    @contextmanager
    def writing(self, *, wait: float = 0.0) -> Iterator[None]:
        """Hold the data dir's write lock: one writer at a time, across processes.

        Two ingests at once would each believe they own the chunks they wrote and the
        next one would delete the other's as orphans. In server mode the lock is on this
        machine's data dir only; run ingest from one machine.

        :param wait: seconds to wait for another writer before giving up.
        :raises IndexBusyError: another process still holds the lock after ``wait``.
        """
        with (self.data_dir / "write.lock").open("a") as lock:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusyError(self.data_dir) from None
                    time.sleep(0.2)
            try:
                self._refresh()  # write on top of what other writers left, not a stale copy
                yield
            finally:
                self._bump_version()
                fcntl.flock(lock, fcntl.LOCK_UN)

    def write(self, chunks: Sequence[Chunk]) -> None:
        """Add or replace chunks in both stores (the keyword index is saved by :meth:`save`)."""
        self._dense.write(chunks)
        self._keyword.write(chunks)

    def delete(self, ids: Sequence[str]) -> None:
        self._dense.delete(ids)
        self._keyword.delete(ids)

    def stored_ids(self) -> set[str]:
        """The ids in the vector store, which is the source of truth."""
        return self._dense.ids()

    def sync_keyword(self) -> None:
        """Make the keyword index hold exactly the vector store's chunks (after a crash)."""
        stored = self._dense.ids()
        keyword_ids = self._keyword.ids()
        if keyword_ids == stored:
            return
        self._keyword.delete(sorted(keyword_ids - stored))
        missing = stored - keyword_ids
        if missing:
            self._keyword.write(self._dense.get(sorted(missing)))
        self._keyword.save()

    def save(self) -> None:
        """Persist the keyword index (Chroma persists on every write)."""
        self._keyword.save()

    def on_embed_progress(self, callback: Callable[[int], None] | None) -> None:
        """Tell ``callback`` how many chunks each embedding batch covered (ingest progress)."""
        self.embeddings.on_progress = callback

    def clear(self) -> None:
        """Empty the index (the embedding cache is kept: a rebuild re-embeds nothing)."""
        self._dense.delete(sorted(self._dense.ids()))
        shutil.rmtree(self.data_dir / "bm25", ignore_errors=True)
        self._keyword = BM25Store(self.data_dir / "bm25")
        self._retriever = HybridRetriever(self._dense, self._keyword)
        self.manifest_path.unlink(missing_ok=True)
        self._bump_version()

    def close(self) -> None:
        self._dense.close()
        self.embeddings.close()

    def _open_stores(self) -> None:
        self._dense = self._open_dense()
        self._keyword = BM25Store(self.data_dir / "bm25")
        self._retriever = HybridRetriever(self._dense, self._keyword)

    @property
    def _version_path(self) -> Path:
        return self.data_dir / "index.version"

    def _read_version(self) -> str:
        try:
            return self._version_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def _bump_version(self) -> None:
        """Tell other processes the index changed (write-then-rename: never half written)."""
        token = uuid.uuid4().hex
        tmp = self._version_path.with_suffix(".tmp")
        tmp.write_text(token, encoding="utf-8")
        os.replace(tmp, self._version_path)
        self._version = token

    def _refresh(self) -> None:
        """Reopen the stores when another process changed the index since they were opened."""
        version = self._read_version()
        if version != self._version:
            self._version = version
            self._dense.close()
            self._open_stores()

    def _open_dense(self) -> ChromaStore:
        s = self.settings
        if s.chroma_host:
            return ChromaStore(self.embeddings, host=s.chroma_host, port=s.chroma_port, collection=s.collection)
        return ChromaStore(self.embeddings, path=self.data_dir / "chroma", collection=s.collection)
