"""The Embeddings contract (after langchain's standard tests), for the model and the cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.index.embedding_cache import CachedEmbeddings
from assistant.index.embeddings import E5Embeddings, make_embeddings

TEXTS = ["职务科技成果", "作价投资的奖励比例不低于70%", "养猫"]


class EmbeddingsContract:
    """What every Embeddings implementation must do."""

    def make(self, tmp_path: Path) -> Embeddings:
        raise NotImplementedError

    def test_one_float_vector_per_text_in_order(self, tmp_path: Path) -> None:
        embedder = self.make(tmp_path)
        vectors = embedder.embed_documents(TEXTS)
        assert len(vectors) == len(TEXTS)
        assert len({len(v) for v in vectors}) == 1
        assert all(type(x) is float for v in vectors for x in v)
        assert embedder.embed_documents(TEXTS[1:2]) == [vectors[1]]

    def test_query_vector_same_length(self, tmp_path: Path) -> None:
        embedder = self.make(tmp_path)
        query = embedder.embed_query("奖励比例")
        assert all(type(x) is float for x in query)
        assert len(query) == len(embedder.embed_documents(["x"])[0])


class TestE5Embeddings(EmbeddingsContract):
    def make(self, tmp_path: Path) -> Embeddings:
        return E5Embeddings(batch_size=2)

    def test_query_and_passage_prefixes_differ(self, tmp_path: Path) -> None:
        embedder = E5Embeddings()
        assert embedder.embed_query("职务科技成果") != embedder.embed_documents(["职务科技成果"])[0]

    def test_init_rejects_bad_batch(self) -> None:
        with pytest.raises(ValueError, match="batch_size"):
            E5Embeddings(batch_size=0)


class TestCachedEmbeddings(EmbeddingsContract):
    def make(self, tmp_path: Path) -> Embeddings:
        return CachedEmbeddings(DeterministicFakeEmbedding(size=8), tmp_path / "c.sqlite", namespace="fake")

    def test_second_call_is_served_from_cache(self, tmp_path: Path) -> None:
        cache = CachedEmbeddings(DeterministicFakeEmbedding(size=8), tmp_path / "c.sqlite", namespace="fake")
        first = cache.embed_documents(TEXTS)
        reopened = CachedEmbeddings(DeterministicFakeEmbedding(size=8), tmp_path / "c.sqlite", namespace="fake")
        assert reopened.embed_documents(TEXTS) == first
        assert (reopened.hits, reopened.misses) == (3, 0)

    def test_namespaces_do_not_mix(self, tmp_path: Path) -> None:
        CachedEmbeddings(DeterministicFakeEmbedding(size=8), tmp_path / "c.sqlite", namespace="a").embed_documents(
            TEXTS
        )
        other = CachedEmbeddings(DeterministicFakeEmbedding(size=8), tmp_path / "c.sqlite", namespace="b")
        other.embed_documents(TEXTS)
        assert other.misses == 3


def test_openai_embeddings_need_a_key() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        make_embeddings(Settings(embeddings="openai", openai_api_key=None))
