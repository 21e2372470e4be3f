"""Dense vectors in Chroma, embedded (PersistentClient) or on a server (HttpClient).

The same code serves both: ``KEZHUAN_CHROMA_HOST`` switches to a server, which is the
path for users who outgrow one machine. Vectors are computed by our own (cached)
embedder from ``Chunk.index_text`` while Chroma stores the clean ``Chunk.text``, so
quotes shown to users are the document's words without the added title context.

Usage example::

    store = ChromaStore(embedder, path=Path(".kezhuan/chroma"))
    store.search("作价投资的奖励比例", k=5)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigError, StoreError
from assistant.index.visibility import SearchFilter
from assistant.records import Chunk, Hit

__all__ = ["ChromaMeta", "ChromaStore"]

DEFAULT_COLLECTION = "kezhuan"
WRITE_BATCH = 256  # rows per upsert; Chroma caps a single batch
READ_PAGE = 2000
# Chroma writes its vector index to disk every ``sync_threshold`` added vectors (default 1,000) and
# replays the rest from its log each time a process opens the collection: on the shipped 941-chunk
# index that replay was 0.3–0.5 s of every `kezhuan search`. Syncing every 100 costs nothing
# measurable at build time (20k vectors: 13.5 s either way) and leaves at most 99 to replay.
SYNC_THRESHOLD = 100
# Results one query call may return over all its vectors: Chroma reads their rows with one SQL
# statement, and SQLite binds at most 32,766 variables.
MAX_RESULTS_PER_CALL = 20_000


class ChromaStore:
    """Chunks and their vectors in one Chroma collection (cosine distance).

    :param embedder: computes document and query vectors (usually ``CachedEmbeddings``).
    :param path: folder of the embedded database; give this or ``host``.
    :param host: a Chroma server to use instead of the embedded database.
    :param port: the server's port.
    :param collection: collection name.
    :raises ConfigError: neither or both of ``path`` and ``host`` were given.
    :raises StoreError: Chroma cannot be opened or reached.
    """

    def __init__(
        self,
        embedder: Embeddings,
        *,
        path: Path | None = None,
        host: str | None = None,
        port: int = 8000,
        collection: str = DEFAULT_COLLECTION,
    ) -> None:
        if (path is None) == (host is None):
            raise ConfigError("ChromaStore needs exactly one of path (embedded) or host (server)")
        # Raw chromadb: the LangChain wrapper (langchain_chroma) cost a second of imports per call
        # and added nothing that a query and a get do not already say.
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if host is not None:
                client = chromadb.HttpClient(host=host, port=port, settings=settings)
            else:
                assert path is not None
                path.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(path), settings=settings)
            self._collection = client.get_or_create_collection(
                collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine", "sync_threshold": SYNC_THRESHOLD}},
            )
            hnsw = (self._collection.configuration or {}).get("hnsw") or {}
            if hnsw.get("sync_threshold", SYNC_THRESHOLD) > SYNC_THRESHOLD:  # an index built before the setting
                self._collection.modify(configuration={"hnsw": {"sync_threshold": SYNC_THRESHOLD}})
            self.meta = ChromaMeta(client.get_or_create_collection(f"{collection}_meta", embedding_function=None))
            self._client = client
        except Exception as exc:  # chromadb raises many unrelated types on a bad server or file
            where = f"{host}:{port}" if host else str(path)
            raise StoreError(f"无法打开 Chroma 向量库（{where}）：{str(exc).splitlines()[0]}") from exc
        self.embedder = embedder
        self.location = f"{host}:{port}" if host else str(path)
        self.meta.location = self.location

    def close(self) -> None:
        """Release the client; the last one on a path drops Chroma's in-process cache of it.

        A reader reopens after another process wrote: without this, the cached vector
        index would still hold (or lack) the other process's chunks.
        """
        self._client.close()  # type: ignore[attr-defined]  # on Client, not on the ClientAPI protocol

    def write(self, chunks: Sequence[Chunk]) -> int:
        for start in range(0, len(chunks), WRITE_BATCH):
            batch = chunks[start : start + WRITE_BATCH]
            vectors = self.embedder.embed_documents([c.index_text for c in batch])
            self._collection.upsert(
                ids=[c.id for c in batch],
                embeddings=vectors,  # type: ignore[arg-type]
                documents=[c.text for c in batch],
                metadatas=[c.metadata() for c in batch],  # type: ignore[misc]
            )
        return len(chunks)

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), WRITE_BATCH):
            self._collection.delete(ids=list(ids[start : start + WRITE_BATCH]))

    def count(self) -> int:
        return int(self._collection.count())

    def ids(self) -> set[str]:
        """Every stored chunk id (ids only: cheap enough to diff 100k chunks on each refresh)."""
        ids: set[str] = set()
        while True:
            page = self._collection.get(include=[], limit=READ_PAGE * 10, offset=len(ids))
            if not page["ids"]:
                return ids
            ids.update(page["ids"])

    def chunks(self, search_filter: SearchFilter | None = None) -> Iterator[Chunk]:
        """Every stored chunk (that the filter allows), page by page; the filter runs in Chroma."""
        where: Any = search_filter.to_chroma_where() if search_filter else None
        offset = 0
        while True:
            page = self._collection.get(where=where, include=["documents", "metadatas"], limit=READ_PAGE, offset=offset)
            if not page["ids"]:
                return
            documents = page["documents"] or []
            metadatas = page["metadatas"] or []
            for text, metadata in zip(documents, metadatas, strict=True):
                yield Chunk.from_stored(text or "", dict(metadata or {}))
            offset += len(page["ids"])

    def get(self, ids: Sequence[str]) -> list[Chunk]:
        """Chunks by id, in the order asked; missing ids are skipped."""
        by_id: dict[str, Chunk] = {}
        for start in range(0, len(ids), READ_PAGE):  # a new server-mode instance asks for every chunk at once
            page = self._collection.get(ids=list(ids[start : start + READ_PAGE]), include=["documents", "metadatas"])
            by_id.update(
                (i, Chunk.from_stored(t or "", dict(m or {})))
                for i, t, m in zip(page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True)
            )
        return [by_id[i] for i in ids if i in by_id]

    def find(self, doc_ids: Sequence[str]) -> list[Chunk]:
        """The chunks of some documents (a patent by its application number, a briefing's demands), in one call."""
        chunks: list[Chunk] = []
        for start in range(0, len(doc_ids), READ_PAGE):
            part = list(doc_ids[start : start + READ_PAGE])
            where = {"doc_id": part[0]} if len(part) == 1 else {"doc_id": {"$in": part}}
            page = self._collection.get(where=where, include=["documents", "metadatas"])  # type: ignore[arg-type]
            chunks += [
                Chunk.from_stored(t or "", dict(m or {}))
                for t, m in zip(page["documents"] or [], page["metadatas"] or [], strict=True)
            ]
        return chunks

    def search(self, query: str, k: int, search_filter: SearchFilter | None = None) -> list[Hit]:
        return self.search_by_vectors([self.embedder.embed_query(query)], k, search_filter)[0]

    def search_by_vectors(
        self, vectors: Sequence[list[float]], k: int, search_filter: SearchFilter | None = None
    ) -> list[list[Hit]]:
        """The ``k`` nearest chunks that ``search_filter`` allows, for each vector, filtered by Chroma."""
        if k <= 0 or not vectors:
            return [[] for _ in vectors]
        where: Any = search_filter.to_chroma_where() if search_filter else None
        return [
            [
                Hit(Chunk.from_stored(text, dict(metadata or {})), 1.0 - distance)
                for text, metadata, distance in zip(
                    answer["documents"], answer["metadatas"], answer["distances"], strict=True
                )
                if text is not None
            ]
            for answer in self._query(vectors, k, where, ["documents", "metadatas", "distances"])
        ]

    def nearest(self, vectors: Sequence[list[float]], k: int) -> list[list[tuple[str, float]]]:
        """The ``k`` nearest chunk ids and their cosine similarity, for each vector, unfiltered.

        Ids only: a caller that holds the chunks (the hybrid retriever's keyword index holds
        every one) need not have Chroma read texts and metadata back, which was most of the
        cost of a dense search.
        """
        if k <= 0 or not vectors:
            return [[] for _ in vectors]
        return [
            [(chunk_id, 1.0 - distance) for chunk_id, distance in zip(answer["ids"], answer["distances"], strict=True)]
            for answer in self._query(vectors, k, None, ["distances"])
        ]

    def _query(self, vectors: Sequence[list[float]], k: int, where: Any, include: list[str]) -> list[dict[str, Any]]:
        """Chroma's answer for each vector (``ids`` and the fields in ``include``).

        Split so that one call never names more rows than SQLite binds.
        """
        per_call = max(1, MAX_RESULTS_PER_CALL // k)
        answers: list[dict[str, Any]] = []
        for start in range(0, len(vectors), per_call):
            try:
                result: Any = self._collection.query(
                    query_embeddings=list(vectors[start : start + per_call]),  # type: ignore[arg-type]
                    n_results=k,
                    where=where,
                    include=include,  # type: ignore[arg-type]
                )
            except Exception as exc:  # chromadb raises many unrelated types; the user gets one line, not a traceback
                raise StoreError(f"向量库检索失败（{self.location}）：{str(exc).splitlines()[0]}") from exc
            answers += [{key: result[key][n] for key in ("ids", *include)} for n in range(len(result["ids"]))]
        return answers


class ChromaMeta:
    """Named records beside the chunks, in the collection ``<name>_meta``: manifest, version, lock.

    They live in Chroma so that Chroma alone is the state of a deployment: any app machine
    reads the same manifest and version, and an app's local files are only caches. A record
    is a text and a few scalar fields; the one-number vector is a placeholder Chroma requires.
    """

    def __init__(self, collection: Any) -> None:
        self._collection = collection
        self.location = ""

    def read(self, key: str) -> tuple[str, dict[str, str | float]] | None:
        page = self._collection.get(ids=[key], include=["documents", "metadatas"])
        if not page["ids"]:
            return None
        return (page["documents"] or [""])[0] or "", dict((page["metadatas"] or [{}])[0] or {})

    def put(self, key: str, text: str, fields: dict[str, str | float] | None = None) -> None:
        """Create or replace the record."""
        self._collection.upsert(ids=[key], embeddings=[[1.0]], documents=[text], metadatas=[fields or None])

    def add(self, key: str, text: str, fields: dict[str, str | float]) -> None:
        """Create the record unless it exists (Chroma keeps the existing one): insert-if-absent."""
        self._collection.add(ids=[key], embeddings=[[1.0]], documents=[text], metadatas=[fields])

    def delete(self, key: str, owner: str | None = None) -> None:
        """Remove the record; with ``owner``, only while its ``owner`` field still says so."""
        self._collection.delete(ids=[key], where={"owner": owner} if owner is not None else None)
