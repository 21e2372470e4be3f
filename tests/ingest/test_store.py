"""ingest.store: a file a task wrote is indexed, or the task hears why not."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import StoreError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.store import store_file
from assistant.records import DocType


class TestStoreFile:
    def test_a_stored_draft_is_found_by_its_owner_only(self, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        index = KnowledgeIndex(make_settings())
        path = tmp_path / "r-001-draft.md"
        path.write_text(
            "---\ntitle: 测温方法\nvisibility: confidential\nowner: r-001\n---\n一种低功耗测温方法。", encoding="utf-8"
        )
        store_file(index, path, DocType.DISCLOSURE)
        assert index.get("r-001-draft.md", Audience(Role.RESEARCHER, "r-001"))
        assert not index.get("r-001-draft.md", Audience.public())

    def test_a_file_that_cannot_be_indexed_is_an_error_saying_why(self, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        index = KnowledgeIndex(make_settings())
        path = tmp_path / "broken.md"
        path.write_text("---\ntitle: [未闭合\n---\n正文。", encoding="utf-8")
        with pytest.raises(StoreError, match=r"YAML") as info:
            store_file(index, path, DocType.DISCLOSURE)
        assert info.value.exit_code == 1 and index.count() == 0
        assert str(tmp_path) not in str(info.value)  # the page shows it: why, not where the file is
