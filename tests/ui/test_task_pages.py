"""The matching, disclosure and search pages, driven headlessly with AppTest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.config import Settings
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.ingest.pipeline import Ingestor
from tests.conftest import REPO

APP = str(REPO / "ui" / "app.py")
TIMEOUT = 180


@pytest.fixture(scope="module")
def page_index(tmp_path_factory: pytest.TempPathFactory, embedding_cache) -> KnowledgeIndex:  # type: ignore[no-untyped-def]
    """Its own copy of the knowledge base: the disclosure page stores drafts into it."""
    index = KnowledgeIndex(Settings(data_dir=tmp_path_factory.mktemp("pages"), cache_dir=embedding_cache))
    Ingestor(index).ingest([REPO / "knowledge"])
    return index


@pytest.fixture
def app(page_index: KnowledgeIndex, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "KEZHUAN_CHROMA_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KEZHUAN_DATA_DIR", str(page_index.settings.data_dir))
    monkeypatch.setenv("KEZHUAN_CACHE_DIR", str(page_index.settings.embedding_cache_dir))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    st.cache_resource.clear()
    st.cache_data.clear()


def test_matching_page_demand_to_technologies(app: AppTest) -> None:
    app.switch_page("app_pages/matching.py").run()
    app.selectbox(key="match_demand_id").set_value("D-A001").run()
    app.button(key="match_demand_go").click().run()
    assert not app.exception
    cards = " ".join(m.value for m in app.markdown)
    assert "施工现场人员安全防护装备佩戴识别" in cards and "技术领域一致" in cards
    assert app.get("progress")


def test_matching_page_patent_to_demands(app: AppTest) -> None:
    app.switch_page("app_pages/matching.py").run()
    app.selectbox(key="match_patent_id").set_value("CN202310900014.8").run()
    app.button(key="match_patent_go").click().run()
    assert not app.exception
    assert any("工地上安全帽安全带总有人不戴" in m.value for m in app.markdown)


def test_disclosure_page_validates_then_drafts(app: AppTest) -> None:
    app.switch_page("app_pages/disclosure.py").run()
    app.button(key="FormSubmitter:disclose_form-生成披露摘要").click().run()
    errors = [e.value for e in app.error]
    assert any(e.startswith("成果名称") for e in errors) and any(e.startswith("完成人") for e in errors)
    app.button(key="disclose_example").click().run()
    app.button(key="FormSubmitter:disclose_form-生成披露摘要").click().run()
    assert not app.exception and not app.error
    preview = " ".join(m.value for m in app.markdown)
    assert "关键创新点" in preview and "转化办将关注的问题" in preview
    assert len(app.get("download_button")) == 2


def test_search_page(app: AppTest) -> None:
    app.switch_page("app_pages/search.py").run()
    app.text_input(key="search_query").input("沪科规〔2023〕9号").run()
    assert not app.exception and app.expander
