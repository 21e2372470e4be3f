"""IPC suggestions for a text: votes of the nearest classified patents, else keywords."""

from __future__ import annotations

from pathlib import Path

from assistant.config import Settings
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.ingest.pipeline import Ingestor
from assistant.tasks.ipc import suggest_ipc, suggest_sections


class TestIpc:
    def test_vote_from_nearest_classified_patents(self, knowledge_index: KnowledgeIndex) -> None:
        suggestions = suggest_ipc(knowledge_index, "基于深度学习的钢材表面缺陷图像检测方法", Audience.public())
        assert suggestions[0].code.startswith("G") and suggestions[0].evidence
        assert sum(s.confidence for s in suggestions) <= 1.0

    def test_keyword_fallback_without_classified_patents(self, tmp_path: Path, embedding_cache: Path) -> None:
        index = KnowledgeIndex(Settings(data_dir=tmp_path / "data", cache_dir=embedding_cache))
        (tmp_path / "kb").mkdir()
        (tmp_path / "kb" / "note.md").write_text("# 说明\n\n这里没有任何专利。", encoding="utf-8")
        Ingestor(index).ingest([tmp_path / "kb"])
        suggestions = suggest_ipc(index, "一种纺织纤维织物及其无纺工艺", Audience.public())
        assert suggestions[0].code == "D" and suggestions[0].evidence == ()
        assert suggest_sections("今天天气很好") == []
