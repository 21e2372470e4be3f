"""The index as one object, and the only door to stored knowledge.

It opens the vector store, the keyword store and the embedding cache from
:class:`Settings`, so the CLI, the UI and the evaluations build it the same way, and it
is the one place that knows the data-dir layout::

    .kezhuan/
      chroma/            embedded Chroma (absent in server mode): chunks, and in
                         the collection <name>_meta the ingest manifest (and in
                         server mode the version and lock records, coordination.py)
      bm25/              keyword index, derived from the chunks in Chroma
      write.lock         embedded mode: held by the one process writing (ingest)
      index.version      embedded mode: changed by every writer; readers reopen when it moves
      embeddings.sqlite  vector cache: documents, and the query vectors of indexed demands' needs
      jieba-words.sqlite jieba's word table, read on demand (both under KEZHUAN_CACHE_DIR if set)

Chroma is the source of truth. In server mode every app instance keeps its own keyword
index, derived from the collection and brought up to date whenever the shared version
record moves, so N instances on one Chroma server answer the same.

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

import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from assistant.config import Settings
from assistant.index.bm25_store import BM25Store
from assistant.index.chroma_store import ChromaStore
from assistant.index.coordination import ChromaCoordinator, Coordinator, FileCoordinator
from assistant.index.embedding_cache import CachedEmbeddings
from assistant.index.embeddings import embeddings_namespace, make_embeddings
from assistant.index.fusion import FusionMode
from assistant.index.hybrid import DEFAULT_CANDIDATES, DEFAULT_TOP_K, HybridRetriever, Legs
from assistant.index.tokenizer import set_cache_dir
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
        set_cache_dir(Path(settings.embedding_cache_dir))
        self.embeddings = CachedEmbeddings(
            make_embeddings(settings),
            Path(settings.embedding_cache_dir) / "embeddings.sqlite",
            namespace=self.namespace,
            batch_size=settings.embed_batch_size,
        )
        self._open_stores()
        self._coordinator: Coordinator = (
            ChromaCoordinator(self._dense.meta) if settings.chroma_host else FileCoordinator(self.data_dir)
        )
        self._version = self._coordinator.version()
        if settings.chroma_host:
            self._derive_keyword()  # another instance may have ingested while this one was down

    @property
    def server_mode(self) -> bool:
        return bool(self.settings.chroma_host)

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
        """Both retrieval legs' hits before fusion, for callers that re-score candidates (matching).

        :param dense_query: the text to embed when it should differ from the keyword query.
        """
        self._refresh()
        vector = self.embeddings.embed_query(dense_query or query)
        return self._retriever.legs([query], [vector], audience.filter(doc_types), depth=depth)[0]

    def record_legs(
        self,
        queries: Sequence[str],
        dense_queries: Sequence[str],
        audience: Audience,
        *,
        doc_types: Iterable[DocType] | None = None,
        depth: int = DEFAULT_CANDIDATES,
    ) -> list[Legs]:
        """:meth:`legs` for many texts taken from indexed records (a briefing's demands), in one go.

        Their query vectors are cached like document vectors (ingest computes them for
        demands), and the vector store is asked once for all of them.
        """
        self._refresh()
        vectors = self.embeddings.embed_stored_queries(list(dense_queries))
        return self._retriever.legs(queries, vectors, audience.filter(doc_types), depth=depth)

    def neighbours(
        self, text: str, audience: Audience, *, k: int, doc_types: Iterable[DocType] | None = None
    ) -> list[Hit]:
        """The ``k`` chunks nearest to ``text`` by meaning alone (similar patents, IPC votes)."""
        self._refresh()
        search_filter = audience.filter(doc_types)
        return self._retriever.nearest([self.embeddings.embed_query(text)], k, search_filter)[0]

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
        return self.get_many([doc_id], audience, doc_type)

    def get_many(self, doc_ids: Sequence[str], audience: Audience, doc_type: DocType | None = None) -> list[Chunk]:
        """The chunks of several documents in one read; like :meth:`get`, hidden ones are simply absent."""
        self._refresh()
        search_filter = audience.filter([doc_type] if doc_type else None)
        return [c for c in self._dense.find(doc_ids) if search_filter.allows(c.metadata())]

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
        """Hold the index's write lock: one writer at a time, across processes and machines.

        Two ingests at once would each believe they own the chunks they wrote and the
        next one would delete the other's as orphans. Embedded, the lock is an flock in the
        data dir; on a Chroma server it is a record in Chroma with an expiry, renewed on
        every write (``coordination.py``).

        :param wait: seconds to wait for another writer before giving up.
        :raises IndexBusyError: another writer still holds the lock after ``wait``.
        """
        with self._coordinator.lock(wait):
            try:
                self._refresh()  # write on top of what other writers left, not a stale copy
                yield
            finally:
                self._version = self._coordinator.bump()

    def write(self, chunks: Sequence[Chunk]) -> None:
        """Add or replace chunks in both stores (the keyword index is saved by :meth:`save`)."""
        self._coordinator.renew()
        self._dense.write(chunks)
        self._keyword.write(chunks)

    def delete(self, ids: Sequence[str]) -> None:
        self._dense.delete(ids)
        self._keyword.delete(ids)

    def stored_ids(self) -> set[str]:
        """The ids in the vector store, which is the source of truth."""
        return self._dense.ids()

    def read_manifest(self) -> str | None:
        """The ingest manifest (JSON, see ``ingest/manifest.py``) kept in Chroma; None before the first ingest.

        A data dir from before the manifest moved into Chroma still has ``manifest.json``:
        it is read once from there and written to Chroma by the next save.
        """
        record = self._dense.meta.read("manifest")
        if record is not None:
            return record[0]
        legacy = self.data_dir / "manifest.json"
        return legacy.read_text(encoding="utf-8") if legacy.exists() else None

    def write_manifest(self, text: str) -> None:
        """Replace the ingest manifest in Chroma (one record: written whole, never half)."""
        self._dense.meta.put("manifest", text)
        (self.data_dir / "manifest.json").unlink(missing_ok=True)

    def sync_keyword(self) -> None:
        """Make the keyword index hold exactly the vector store's chunks (after a crash, or another instance's ingest)."""
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
        self._dense.meta.delete("manifest")
        (self.data_dir / "manifest.json").unlink(missing_ok=True)
        self._version = self._coordinator.bump()

    def close(self) -> None:
        self._dense.close()
        self.embeddings.close()

    def _open_stores(self) -> None:
        self._dense = self._open_dense()
        self._keyword = BM25Store(self.data_dir / "bm25")
        self._retriever = HybridRetriever(self._dense, self._keyword)

    def _refresh(self) -> None:
        """Catch up when another process (or machine) changed the index since this one last looked.

        Embedded, the writer saved the keyword index in the shared data dir: reopening the
        stores is enough. On a server, this instance's keyword index is its own: it is
        derived again from the collection (only the chunks that were added or removed).
        """
        version = self._coordinator.version()
        if version == self._version:
            return
        self._version = version
        if self.server_mode:
            self._derive_keyword()
        else:
            self._dense.close()
            self._open_stores()

    def _derive_keyword(self) -> None:
        self.sync_keyword()

    def _open_dense(self) -> ChromaStore:
        s = self.settings
        if s.chroma_host:
            return ChromaStore(self.embeddings, host=s.chroma_host, port=s.chroma_port, collection=s.collection)
        return ChromaStore(self.embeddings, path=self.data_dir / "chroma", collection=s.collection)
