"""The officers' knowledge workbench and the chat's history, in a real browser.

An officer uploads a Markdown policy and a CSV of patents and watches the progress bar,
finds both in the document list, gets the policy as the first hit of 命中测试, deletes the
patents and they are gone from 知识检索; a chat survives a reload. Screenshots go to
docs/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import OFFICER, LoginAs, NewPage, open_page, screenshot, wait_idle

# Sample data written for this test: an invented local rule and invented patents.
POLICY_NAME = "示例市转化奖励办法.md"
POLICY = """# 示例市科技成果转化奖励办法（样例数据）

第一条 为激励科研人员转化职务科技成果，制定本办法。本办法为测试用样例数据。

第二条 高校将职务科技成果转让给企业的，应从净收入中提取不低于百分之八十的比例奖励完成人。

第三条 琉璃湾示范区内的转化项目，另给予一次性配套奖励。
"""
PATENTS_NAME = "海洋专利样例.csv"
PATENTS = """申请号,名称,摘要,申请人,法律状态
CN209900000001.1,一种海藻基可降解包装膜及其制备方法,本发明以褐藻酸钠与壳聚糖交联制得包装膜，降解周期小于90天，样例数据。,示例海洋大学,授权
CN209900000002.X,一种潮汐能发电机组的防腐涂层,本发明提出石墨烯改性环氧涂层，用于潮汐能机组叶片，样例数据。,示例海洋大学,有效
"""
PATENT_TITLE = "一种海藻基可降解包装膜及其制备方法"


def expect(locator: Any) -> Any:
    """Playwright's ``expect`` (imported late: without Playwright the fixtures skip these tests)."""
    return pytest.importorskip("playwright.sync_api").expect(locator)


def main_text(page: Any) -> str:
    return str(page.get_by_test_id("stMain").inner_text())


def choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def upload(page: Any, file: Path, doc_type: str) -> None:
    """Upload one file as ``doc_type`` and wait for the ingest's report under the finished progress bar."""
    page.get_by_role("tab", name="上传文件").click()
    choose(page, "文档类型", doc_type)
    uploader = page.get_by_test_id("stFileUploader")
    expect(uploader).to_have_count(1)  # the last upload's uploader (emptied by a new key) is gone
    uploader.locator('input[type="file"]').set_input_files(str(file))
    page.get_by_text(file.name).first.wait_for()
    wait_idle(page)
    page.get_by_role("button", name="上传并索引").click()
    page.get_by_test_id("stAlertContentSuccess").wait_for()
    wait_idle(page)


def logged(page: Any) -> int:
    """How many audit entries the audit page says it shows."""
    found = re.search(r"共 (\d+) 条", main_text(page))
    return int(found.group(1)) if found else 0


def listed_files(page: Any) -> list[str]:
    """The file names the document list offers (the list's table itself is drawn on a canvas)."""
    page.get_by_role("tab", name="文档列表").click()
    page.get_by_test_id("stSelectbox").filter(has_text="选择文件").click()
    names = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return [name.strip() for name in names]


def test_officer_uploads_finds_tests_and_deletes(new_page: NewPage, login_as: LoginAs, tmp_path: Path) -> None:
    (tmp_path / POLICY_NAME).write_text(POLICY, encoding="utf-8")
    (tmp_path / PATENTS_NAME).write_text(PATENTS, encoding="utf-8")
    page = new_page()
    login_as(page, OFFICER)
    open_page(page, "知识库管理")

    upload(page, tmp_path / POLICY_NAME, "政策法规")
    bar = page.get_by_test_id("stProgress")
    assert bar.is_visible() and "完成" in main_text(page)
    assert "已索引 1 个文件" in main_text(page)
    screenshot(page, "workbench-upload")
    upload(page, tmp_path / PATENTS_NAME, "专利成果")
    assert "已索引 1 个文件" in main_text(page) and page.get_by_test_id("stProgress").is_visible()

    assert {POLICY_NAME, PATENTS_NAME} <= set(listed_files(page))
    wait_idle(page)
    screenshot(page, "workbench-list")

    page.get_by_role("tab", name="命中测试").click()
    page.get_by_label("测试问题").fill("琉璃湾示范区 配套奖励")
    page.get_by_label("测试问题").press("Enter")
    first = page.get_by_test_id("stExpander").first
    first.wait_for()
    wait_idle(page)
    assert "示例市科技成果转化奖励办法" in first.inner_text()
    assert "关键词覆盖率" in main_text(page)  # the leg scores are in the table above the hits
    screenshot(page, "workbench-hit-test")

    page.get_by_role("tab", name="文档列表").click()
    choose(page, "选择文件", PATENTS_NAME)
    page.get_by_text("确认删除该文件及其全部文本块").click()
    wait_idle(page)
    page.get_by_role("button", name="删除", exact=True).click()
    page.get_by_text(f"已删除 {PATENTS_NAME}").wait_for()
    wait_idle(page)
    assert PATENTS_NAME not in listed_files(page) and POLICY_NAME in listed_files(page)

    open_page(page, "知识检索")
    page.get_by_label("输入问题或关键词").fill(PATENT_TITLE)
    page.get_by_label("输入问题或关键词").press("Enter")
    wait_idle(page)
    page.wait_for_timeout(500)
    assert PATENT_TITLE not in main_text(page)

    open_page(page, "审计日志")
    choose(page, "操作", "删除")
    assert logged(page) >= 1
    choose(page, "操作", "上传")
    assert logged(page) >= 2
    screenshot(page, "audit")


def test_chat_survives_a_reload(new_page: NewPage, login_as: LoginAs) -> None:
    page = new_page()
    login_as(page, OFFICER)
    open_page(page, "智能问答")
    page.get_by_role("button", name="新对话").click()  # the officer may have chatted in another test
    wait_idle(page)
    question = "职务科技成果完成后多久内要向单位披露？"
    page.get_by_test_id("stChatInputTextArea").fill(question)
    page.get_by_test_id("stChatInputTextArea").press("Enter")
    page.get_by_test_id("stChatMessage").nth(1).get_by_text("复制或导出回答").wait_for()  # stored once complete
    wait_idle(page)
    answer = page.get_by_test_id("stChatMessage").nth(1).inner_text()

    page.reload()
    page.get_by_test_id("stChatMessage").nth(1).get_by_text("复制或导出回答").wait_for()
    wait_idle(page)
    messages = page.get_by_test_id("stChatMessage")
    assert question in messages.nth(0).inner_text()
    assert messages.nth(1).inner_text().split("\n")[0] == answer.split("\n")[0]
    assert page.get_by_test_id("stSidebar").get_by_role("button", name=question[:30]).is_visible()
    screenshot(page, "chat-history")
