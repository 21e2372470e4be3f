"""Log-in and who sees what, in a real browser: officer, researchers and an enterprise user.

A researcher's disclosure draft is confidential: only its author and officers may see it.
These tests log in through a real OpenID Connect provider, store a draft through the
disclosure page, and look for it on every page the others can open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    ENTERPRISE,
    OFFICER,
    OTHER_RESEARCHER,
    RESEARCHER,
    Account,
    LoginAs,
    NewPage,
    log_in,
    open_page,
    screenshot,
    wait_idle,
)

DRAFT_TITLE = "一种基于柔性压电薄膜的桥梁索力无线监测节点"  # examples/disclosure-form.json
MARKER = "柔性压电薄膜"  # in the draft's title and technical solution
SECRETS = (MARKER, "卡箍式", "基频")  # none of them is in the fixture corpus or in the questions asked
QUERY = "压电薄膜 桥梁 拉索 索力 无线监测节点"


def body_text(page: Any) -> str:
    return str(page.get_by_test_id("stMainBlockContainer").inner_text())


def nav_titles(page: Any) -> list[str]:
    links = page.get_by_test_id("stSidebarNavLink").all_inner_texts()
    return [text.strip().split("\n")[-1].strip() for text in links]  # the label after the icon


def search(page: Any, query: str) -> str:
    open_page(page, "知识检索")
    page.get_by_label("输入问题或关键词").fill(query)
    page.get_by_label("输入问题或关键词").press("Enter")
    page.get_by_test_id("stExpander").first.wait_for()
    wait_idle(page)
    return body_text(page)


def ask(page: Any, question: str) -> str:
    open_page(page, "智能问答")
    page.get_by_test_id("stChatInputTextArea").fill(question)
    page.get_by_test_id("stChatInputTextArea").press("Enter")
    answer = page.get_by_test_id("stChatMessage").nth(1)
    answer.wait_for()
    wait_idle(page)
    assert answer.inner_text().strip(), "the answer was shown"
    return body_text(page)


@pytest.fixture(scope="module")
def stored_draft(browser: Any, app_url: str) -> Iterator[str]:
    """王研究员 submits the example disclosure through the page; the draft is stored for r-wang."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    log_in(page, app_url, RESEARCHER)
    open_page(page, "成果披露")
    page.get_by_role("button", name="载入示例").click()
    wait_idle(page)
    page.get_by_role("button", name="生成披露摘要").click()
    page.get_by_text("草稿已生成").wait_for()
    wait_idle(page)
    page.get_by_text("草稿已生成").scroll_into_view_if_needed()
    screenshot(page, "disclosure")
    context.close()
    yield DRAFT_TITLE


def test_login_page_is_all_a_visitor_sees(new_page: NewPage, app_url: str) -> None:
    page = new_page()
    page.goto(app_url)
    page.get_by_role("button", name="使用统一身份认证登录").wait_for()
    wait_idle(page)
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert "智能问答" not in body_text(page)
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0  # viewer toolbar: no Deploy
    screenshot(page, "login")


def test_researcher_finds_the_draft_under_my_disclosures_after_a_reload(
    stored_draft: str, new_page: NewPage, login_as: LoginAs
) -> None:
    page = new_page()
    login_as(page, RESEARCHER)
    page.reload()
    page.get_by_test_id("stSidebar").get_by_text(RESEARCHER.name).wait_for()
    assert "科研人员" in str(page.get_by_test_id("stSidebar").inner_text())
    open_page(page, "我的披露")
    page.get_by_text(stored_draft).first.wait_for()
    assert page.get_by_role("button", name="下载 Markdown").count() == 1
    screenshot(page, "my_disclosures")


@pytest.mark.parametrize("user", [ENTERPRISE, OTHER_RESEARCHER], ids=["enterprise", "other-researcher"])
def test_others_never_see_the_draft_on_any_page(
    stored_draft: str, new_page: NewPage, login_as: LoginAs, user: Account
) -> None:
    page = new_page()
    login_as(page, user)
    titles = nav_titles(page)
    if user is ENTERPRISE:
        assert "成果披露" not in titles and "我的披露" not in titles
    # Pages that list records without being asked (pickers, own drafts); the others are asked below.
    for title in [t for t in titles if t in ("供需匹配", "我的披露")]:
        open_page(page, title)
        assert not any(s in body_text(page) for s in SECRETS), title
        if title == "我的披露":
            assert "还没有保存的披露草稿" in body_text(page)
    assert not any(s in search(page, QUERY) for s in SECRETS)
    assert not any(s in ask(page, f"{QUERY}的技术方案是什么？") for s in SECRETS)
    assert ("我的披露" in titles) is (user is OTHER_RESEARCHER)


def test_officer_sees_the_draft_and_the_showing_is_audited(
    stored_draft: str, new_page: NewPage, login_as: LoginAs, app_data_dir: Path
) -> None:
    page = new_page()
    login_as(page, OFFICER)
    assert "成果转化专员" in str(page.get_by_test_id("stSidebar").inner_text())
    assert MARKER in search(page, QUERY)
    screenshot(page, "search")
    ask(page, "高校把成果转让给企业，奖励研发团队的比例最低是多少？")
    screenshot(page, "chat")
    with sqlite3.connect(app_data_dir / "audit.sqlite") as db:
        rows = db.execute("SELECT actor, role, action, detail FROM audit").fetchall()
    assert (RESEARCHER.email, "researcher", "draft_store") in {r[:3] for r in rows}
    shown = [r for r in rows if r[0] == OFFICER.email and r[2] == "show"]
    assert any(MARKER in r[3] for r in shown)
