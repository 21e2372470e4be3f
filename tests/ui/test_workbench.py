"""知识库管理 and 审计日志, driven headlessly with AppTest on a private copy of the knowledge base."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from tests.conftest import REPO, copy_index

APP = str(REPO / "ui" / "app.py")
WORKBENCH = "app_pages/workbench.py"
TIMEOUT = 180

# Sample data, written for these tests (an invented local rule and invented patents).
POLICY = """# 示例市科技成果转化奖励办法（样例数据）

## 第一章 总则

第一条 为激励科研人员转化职务科技成果，制定本办法。本办法为测试用样例数据。

第二条 高校将职务科技成果转让给企业的，应从净收入中提取不低于百分之八十的比例奖励完成人。

第三条 琉璃湾示范区内的转化项目，另给予一次性配套奖励。
""".encode()
PATENTS = """申请号,名称,摘要,申请人,法律状态
CN209900000001.1,一种海藻基可降解包装膜及其制备方法,本发明以褐藻酸钠与壳聚糖交联制得包装膜，降解周期小于90天，拉伸强度达到30MPa，样例数据。,示例海洋大学,授权
CN209900000002.X,一种潮汐能发电机组的防腐涂层,本发明提出石墨烯改性环氧涂层，用于潮汐能机组叶片，盐雾试验超过3000小时，样例数据。,示例海洋大学,有效
""".encode()


@pytest.fixture(scope="module")
def bench_index(knowledge_index: KnowledgeIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    """Its own copy of the knowledge base: the page uploads into it and deletes from it."""
    index = copy_index(knowledge_index, tmp_path_factory.mktemp("workbench"))
    yield index
    index.close()


@pytest.fixture
def officer_app(bench_index: KnowledgeIndex, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "KEZHUAN_CHROMA_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KEZHUAN_LOCAL_ROLE", "officer")
    monkeypatch.setenv("KEZHUAN_USER", "officer-wang")
    monkeypatch.setenv("KEZHUAN_DATA_DIR", str(bench_index.settings.data_dir))
    monkeypatch.setenv("KEZHUAN_CACHE_DIR", str(bench_index.settings.embedding_cache_dir))
    st.cache_resource.clear()
    st.cache_data.clear()
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    app.switch_page(WORKBENCH).run()
    assert not app.exception, app.exception
    yield app
    st.cache_resource.clear()
    st.cache_data.clear()


def upload(app: AppTest, name: str, data: bytes, mime: str, *, doc_type: str, visibility: str = "public") -> AppTest:
    app.selectbox(key="bench_type").set_value(doc_type).run()
    app.selectbox(key="bench_visibility").set_value(visibility)
    app.file_uploader[0].set_value((name, data, mime))
    if doc_type == "policy":
        app.text_input(key="bench_region").input("示例市")
    app.run()
    app.button(key="bench_upload_go").click().run()
    assert not app.exception, app.exception
    return app


def frame(app: AppTest, column: str) -> pd.DataFrame:
    """The table on the page that has ``column`` (AppTest does not find tables by key)."""
    return next(d.value for d in app.dataframe if column in d.value.columns)


def listed(app: AppTest) -> dict[str, dict[str, object]]:
    table = frame(app, "文本块")
    return {row["文件"]: row for row in table.to_dict("records")}


def test_upload_list_test_preview_delete(officer_app: AppTest, bench_index: KnowledgeIndex) -> None:
    app = upload(officer_app, "示例奖励办法.md", POLICY, "text/markdown", doc_type="policy", visibility="internal")
    assert [s.value for s in app.success] == [app.success[0].value] and "已索引 1 个文件" in app.success[0].value
    [bar] = app.get("progress")
    assert bar.proto.value == 100 and "完成" in bar.proto.text
    row = listed(app)["示例奖励办法.md"]
    assert (row["来源"], row["类型"], row["可见范围"], row["错误"]) == ("上传", "政策法规", "内部", "")
    assert row["文本块"] >= 1 and row["索引时间"]

    app.text_input(key="bench_query").input("琉璃湾示范区 配套奖励").run()
    hits = frame(app, "融合得分")
    top = hits.iloc[0]
    assert "示例市科技成果转化奖励办法" in top["出处"]
    assert top["向量得分"] != "—" and top["关键词得分"] != "—" and top["融合得分"] > 0

    pick = app.selectbox(key="bench_pick")
    pick.set_value(next(k for k in pick.options if k.endswith("示例奖励办法.md"))).run()
    assert "示例市" in " ".join(c.value for c in app.caption)  # region stated at upload
    assert any("琉璃湾示范区" in t.value for t in app.text)

    officer = Audience(Role.OFFICER)
    assert any("琉璃湾" in h.chunk.text for h in bench_index.search("琉璃湾示范区 配套奖励", officer, top_k=5))
    assert not any("琉璃湾" in h.chunk.text for h in bench_index.search("琉璃湾示范区 配套奖励", Audience.public()))

    app.checkbox(key="bench_delete_sure").check().run()
    app.button(key="bench_delete").click().run()
    assert not app.exception
    assert "示例奖励办法.md" not in listed(app)
    assert [s.value for s in app.success] == ["已删除 示例奖励办法.md（3 个文本块）。"]
    assert not any("琉璃湾" in h.chunk.text for h in bench_index.search("琉璃湾示范区 配套奖励", officer, top_k=10))
    assert not (bench_index.data_dir / "uploads" / "示例奖励办法.md").exists()


def test_upload_a_table_of_patents(officer_app: AppTest, bench_index: KnowledgeIndex) -> None:
    app = upload(officer_app, "海洋专利.csv", PATENTS, "text/csv", doc_type="patent")
    row = listed(app)["海洋专利.csv"]
    assert (row["类型"], row["可见范围"], row["文档数"]) == ("专利成果", "公开", 2)
    found = bench_index.get("CN209900000001.1", Audience.public())
    assert found and "海藻" in found[0].title


def test_a_bad_file_gets_one_line_and_stays_listed_with_its_error(officer_app: AppTest) -> None:
    app = upload(officer_app, "坏文件.pdf", b"%PDF-1.4 not really", "application/pdf", doc_type="policy")
    [error] = [e.value for e in app.error]
    assert error.startswith("坏文件.pdf：") and "\n" not in error
    assert listed(app)["坏文件.pdf"]["错误"]


def test_non_officers_neither_see_nor_open_the_officer_pages(
    bench_index: KnowledgeIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEZHUAN_LOCAL_ROLE", "researcher")
    monkeypatch.setenv("KEZHUAN_DATA_DIR", str(bench_index.settings.data_dir))
    monkeypatch.setenv("KEZHUAN_CACHE_DIR", str(bench_index.settings.embedding_cache_dir))
    st.cache_resource.clear()
    for page in ("workbench.py", "audit.py"):
        at = AppTest.from_file(str(REPO / "ui" / "app_pages" / page), default_timeout=TIMEOUT).run()
        assert not at.exception
        assert [i.value for i in at.info] == ["仅转化专员可用。"] and not at.dataframe
    st.cache_resource.clear()


def test_audit_page_filters_by_user_and_action(officer_app: AppTest) -> None:
    app = upload(officer_app, "过滤用.md", POLICY, "text/markdown", doc_type="faq")
    app.switch_page("app_pages/audit.py").run()
    assert not app.exception
    app.text_input(key="audit_user").input("officer-wang").run()
    app.selectbox(key="audit_action").set_value("upload").run()
    rows = frame(app, "详情").to_dict("records")
    assert rows and {r["操作"] for r in rows} == {"上传"} and "过滤用.md" in {r["对象"] for r in rows}
    app.text_input(key="audit_user").input("someone-else").run()
    assert "没有符合条件的记录。" in [i.value for i in app.info] and not app.dataframe
