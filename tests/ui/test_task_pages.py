"""The matching, disclosure and search pages, driven headlessly with AppTest."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.config import Settings
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType
from tests.conftest import REPO, copy_index

APP = str(REPO / "ui" / "app.py")
TIMEOUT = 180


@pytest.fixture(scope="module")
def page_index(knowledge_index: KnowledgeIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    """Its own copy of the knowledge base: the disclosure page stores drafts into it."""
    index = copy_index(knowledge_index, tmp_path_factory.mktemp("pages"))
    yield index
    index.close()


@pytest.fixture
def app(page_index: KnowledgeIndex, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "KEZHUAN_CHROMA_HOST", "KEZHUAN_USER", "KEZHUAN_LOCAL_ROLE"):
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
    assert "公开与申请时间线" in preview and "第二十四条" in preview  # the example's conference talk
    assert len(app.get("download_button")) == 2


def test_my_disclosures_lists_the_stored_draft_reads_it_and_withdraws_it(
    app: AppTest, page_index: KnowledgeIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEZHUAN_USER", "r-pages")
    app.switch_page("app_pages/disclosure.py").run()
    assert "研究人员编号 r-pages" in " ".join(c.value for c in app.caption)
    app.button(key="disclose_example").click().run()
    app.button(key="FormSubmitter:disclose_form-生成披露摘要").click().run()
    assert not app.exception and app.success
    app.switch_page("app_pages/my_disclosures.py").run()
    assert not app.exception
    titles = [m.value for m in app.markdown if m.value.startswith("**")]
    assert len(titles) == 1 and "披露摘要" in titles[0]
    [download] = app.get("download_button")
    assert download.proto.label == "下载 Markdown"
    audit = Settings(data_dir=page_index.data_dir).data_dir / "audit.sqlite"
    assert audit.exists()
    app.button(key="mine_withdraw_0").click().run()
    assert not app.exception
    assert app.success and app.success[0].value.startswith("已撤回")
    assert any("还没有保存的披露草稿" in i.value for i in app.info)
    owned = [
        c for c in page_index.records(DocType.DISCLOSURE, Audience(Role.OFFICER)) if c.meta.get("owner") == "r-pages"
    ]
    assert owned == []  # gone from the index for everyone, officers included


def test_enterprise_has_no_disclosure_pages(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEZHUAN_LOCAL_ROLE", "enterprise")
    app.run()
    for page in ("app_pages/disclosure.py", "app_pages/my_disclosures.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(page)


def test_reward_page_computes_with_citations(app: AppTest) -> None:
    app.switch_page("app_pages/reward.py").run()
    app.text_input(key="reward_income").input("200万").run()
    app.text_input(key="reward_costs").input("10万").run()
    app.button(key="reward_go").click().run()
    assert not app.exception and not app.error
    assert app.metric[0].value == "950,000元（95万元）"
    steps = " ".join(m.value for m in app.markdown)
    assert "第三十四条第二款" in steps and "1,330,000元" in steps


def test_disclosure_page_reads_what_chinese_users_type(app: AppTest) -> None:
    app.switch_page("app_pages/disclosure.py").run()
    assert app.text_input(key="disclose_title").label == "成果名称（2–200字）"
    assert app.text_area(key="disclose_solution").label == "技术方案（20–5000字）"
    app.button(key="disclose_example").click().run()
    app.text_area(key="disclose_inventors").input("张示例，６０，土木工程学院\n李示例、40、电子工程系")
    app.text_area(key="disclose_publications").input("期刊论文，《储能科学与技术》，2025-03-15，已投稿")
    app.button(key="FormSubmitter:disclose_form-生成披露摘要").click().run()
    assert not app.exception and not app.error
    preview = " ".join(m.value for m in app.markdown)
    assert "期刊论文：《储能科学与技术》，已投稿，2025-03-15" in preview
    assert "张示例（土木工程学院，60%）" in preview


def test_disclosure_page_names_each_line_it_cannot_read(app: AppTest) -> None:
    app.switch_page("app_pages/disclosure.py").run()
    app.button(key="disclose_example").click().run()
    app.text_area(key="disclose_inventors").input("张示例 60\n李示例，40")
    app.text_area(key="disclose_publications").input("期刊论文，《储能科学与技术》，2025-03-15，投了")
    app.button(key="FormSubmitter:disclose_form-生成披露摘要").click().run()
    errors = [e.value for e in app.error]
    assert "完成人：第1行：应为“姓名，贡献比例，院系”，各部分用逗号、顿号或分号分开（现为“张示例 60”）" in errors
    assert "公开情况：第1行状态：应为已公开、已发表、已报告、已投稿、已录用、计划之一（现为“投了”）" in errors


def test_search_page(app: AppTest) -> None:
    app.switch_page("app_pages/search.py").run()
    app.text_input(key="search_query").input("沪科规〔2023〕9号").run()
    assert not app.exception and app.expander


def _csv(folder: str) -> list[dict[str, str]]:
    return [
        row
        for path in sorted((REPO / "knowledge" / folder).glob("*.csv"))
        for row in csv.DictReader(path.open(encoding="utf-8"))
    ]


def test_briefing_page_previews_and_offers_both_downloads(app: AppTest) -> None:
    app.switch_page("app_pages/briefing.py").run()
    app.selectbox(key="brief_industry").set_value("人工智能")
    app.text_input(key="brief_topic").input("可转化成果")
    app.button(key="FormSubmitter:brief_form-生成简报").click().run()
    assert not app.exception and not app.error
    headings = [h.value for h in app.subheader]
    assert headings[:3] == ["一、概述", "二、主要数据", "三、图表"] and "七、资料来源" in headings
    totals = app.dataframe[0].value
    patents = sum(r["所属产业"].split("/")[0] == "人工智能" for r in _csv("patents"))
    assert int(totals.loc[totals["指标"] == "成果总数", "数值"].iloc[0]) == patents
    assert len(app.get("image")) >= 3  # the charts
    assert [b.proto.label for b in app.get("download_button")] == ["下载 Markdown（含图表，zip）", "下载 Word"]


def test_agency_page_filters_charts_and_recommends_whitelisted_only(app: AppTest) -> None:
    agencies = _csv("agencies")
    whitelisted = {r["机构名称"] for r in agencies if r["是否白名单"] == "是"}
    app.switch_page("app_pages/agencies.py").run()
    assert not app.exception and len(app.dataframe[0].value) == len(agencies)
    app.checkbox(key="agency_whitelisted").check().run()
    table = app.dataframe[0].value
    assert len(table) == len(whitelisted) and set(table["白名单"]) == {"是"}
    app.selectbox(key="agency_service").set_value("价值评估").run()
    assert all("价值评估" in s for s in app.dataframe[0].value["服务"])
    chart = app.get("vega_lite_chart")[0].proto  # the six criteria of the picked agency
    plotted = pa.ipc.open_stream(chart.datasets[0].data.data).read_all().to_pandas()
    picked = next(r for r in agencies if r["机构编号"] == app.selectbox(key="agency_pick").value)
    assert dict(zip(plotted.iloc[:, 0], plotted["得分"], strict=True)) == {
        label: float(picked[label])
        for label in ("服务频率", "服务能力", "服务质量", "内控体系", "履约记录", "诚信记录")
    }
    app.text_area(key="agency_need").input("需要专利价值评估和作价入股方案")
    app.button(key="FormSubmitter:agency_recommend-推荐白名单机构").click().run()
    cards = [m.value for m in app.markdown if m.value.startswith("**") and "编号 A" in m.value]
    names = [card.split("**")[1].split(". ", 1)[1].replace("\\", "") for card in cards]  # shown escaped
    assert names and all(name in whitelisted for name in names)


@pytest.fixture
def unstorable_app(tmp_path: Path, embedding_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app on a one-policy index whose drafts folder cannot be created (a file is in the way)."""
    (tmp_path / "kb" / "policies").mkdir(parents=True)
    (tmp_path / "kb" / "policies" / "rule.md").write_text(
        "# 示例规定\n\n第一条 论文发表前应先申请专利。\n", encoding="utf-8"
    )
    index = KnowledgeIndex(Settings(data_dir=tmp_path / "data", cache_dir=embedding_cache))
    assert not Ingestor(index).ingest([tmp_path / "kb"]).errors
    index.close()
    (tmp_path / "data" / "disclosures").write_text("不是文件夹", encoding="utf-8")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "KEZHUAN_CHROMA_HOST", "KEZHUAN_USER", "KEZHUAN_LOCAL_ROLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KEZHUAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KEZHUAN_CACHE_DIR", str(embedding_cache))
    st.cache_resource.clear()
    yield AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    st.cache_resource.clear()


def test_disclosure_page_says_when_the_draft_was_not_stored(unstorable_app: AppTest) -> None:
    app = unstorable_app
    app.switch_page("app_pages/disclosure.py").run()
    app.button(key="disclose_example").click().run()
    app.button(key="FormSubmitter:disclose_form-生成披露摘要").click().run()
    assert not app.exception and not app.success
    [error] = [e.value for e in app.error]
    assert error.startswith("草稿未能存入知识库：无法写入") and error.endswith("草稿尚未保存，请先下载。")
    assert len(app.get("download_button")) == 2  # the draft is still there to download
