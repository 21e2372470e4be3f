"""Record text reaches the page as text: a Markdown link or image in a table cell stays characters."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.index.knowledge_index import KnowledgeIndex
from assistant.ingest.pipeline import Ingestor
from tests.conftest import REPO
from ui.markup import cite, md

EVIL_TITLE = "一种示例阀门[点此领奖](http://example.invalid/x)![追踪](http://example.invalid/p.png)"


def test_md_escapes_links_images_and_emphasis() -> None:
    escaped = md("![图](http://a/b.png) [链](http://a) *粗* 1.5")
    assert "](" not in escaped.replace("\\]\\(", "") and "\\!\\[" in escaped and "\\*粗\\*" in escaped


def test_search_page_shows_a_markdown_link_in_a_record_as_plain_text(
    make_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "kb" / "patents"
    folder.mkdir(parents=True)
    (folder / "p.csv").write_text(
        f"申请号,名称,摘要\nCN209900000009.1,{EVIL_TITLE},一种示例阀门的密封结构。\n", encoding="utf-8"
    )
    settings = make_settings()
    Ingestor(KnowledgeIndex(settings)).ingest([tmp_path / "kb"])
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("KEZHUAN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("KEZHUAN_CACHE_DIR", str(settings.embedding_cache_dir))
    st.cache_resource.clear()
    try:
        app = AppTest.from_file(str(REPO / "ui" / "app.py"), default_timeout=180).run()
        app.switch_page("app_pages/search.py").run()
        app.text_input(key="search_query").input("示例阀门").run()
        assert not app.exception
        labels = [e.label for e in app.expander]
        shown = " ".join([*labels, *(m.value for m in app.markdown), *(c.value for c in app.caption)])
        assert labels and "http" in shown
        assert "](http" not in shown and "[点此领奖](" not in shown  # no live link or image syntax
        assert str(folder) not in shown and "p.csv" not in shown  # no file path either
    finally:
        st.cache_resource.clear()


def test_cite_names_records_by_number_not_by_row() -> None:
    from assistant.records import Chunk, DocType

    record = Chunk("CN1", DocType.PATENT, "一种阀门", "/data/p.csv", "第3行", "文本")
    article = Chunk("policies/a.md", DocType.POLICY, "条例", "/data/a.md", "第四条", "文本")
    assert cite(record) == "《一种阀门》（编号 CN1）" and cite(article) == "《条例》第四条"
