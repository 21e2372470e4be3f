"""The index as one object: vector store, keyword store, manifest and embedding cache.

It opens everything from :class:`Settings`, so the CLI, the UI and the evaluations
build it the same way, and it is the one place that knows the data-dir layout::

    .kezhuan/
      chroma/            embedded Chroma (absent in server mode)
      bm25/              keyword index
      manifest.json      file → chunks
      embeddings.sqlite  vector cache (or under KEZHUAN_CACHE_DIR)

Usage example::

    index = KnowledgeIndex(Settings())
    index.retriever().retrieve("职务科技成果披露")
"""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.config import Settings
from assistant.index.bm25_store import BM25Store
from assistant.index.chroma_store import ChromaStore
from assistant.index.embedding_cache import CachedEmbeddings
from assistant.index.embeddings import embeddings_namespace, make_embeddings
from assistant.index.fusion import FusionMode
from assistant.index.hybrid import DEFAULT_TOP_K, HybridRetriever

__all__ = ["KnowledgeIndex"]


class KnowledgeIndex:
    """Opens (creating if needed) the stores under ``settings.data_dir``.

    :raises EmbeddingsUnavailableError: the embedding model cannot load.
    :raises StoreError: a store cannot be opened.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.namespace = embeddings_namespace(settings)
        self.embeddings = CachedEmbeddings(
            make_embeddings(settings),
            Path(settings.embedding_cache_dir) / "embeddings.sqlite",
            namespace=self.namespace,
            batch_size=settings.embed_batch_size,
        )
        self.dense = self._open_dense()
        self.keyword = BM25Store(self.data_dir / "bm25")

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    def retriever(self, *, top_k: int = DEFAULT_TOP_K, mode: FusionMode = FusionMode.ADAPTIVE) -> HybridRetriever:
        return HybridRetriever(self.dense, self.keyword, top_k=top_k, mode=mode)

    def clear(self) -> None:
        """Empty the index (the embedding cache is kept: a rebuild re-embeds nothing)."""
        self.dense.delete(sorted(self.dense.ids()))
        shutil.rmtree(self.data_dir / "bm25", ignore_errors=True)
        self.keyword = BM25Store(self.data_dir / "bm25")
        self.manifest_path.unlink(missing_ok=True)

    def close(self) -> None:
        self.embeddings.close()

    def _open_dense(self) -> ChromaStore:
        s = self.settings
        if s.chroma_host:
            return ChromaStore(self.embeddings, host=s.chroma_host, port=s.chroma_port, collection=s.collection)
        return ChromaStore(self.embeddings, path=self.data_dir / "chroma", collection=s.collection)
