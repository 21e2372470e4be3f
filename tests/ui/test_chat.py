"""The chat page, driven headlessly with AppTest against the shipped knowledge base."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.audit import AuditLog
from assistant.index.knowledge_index import KnowledgeIndex
from tests.conftest import REPO
from tests.openai_stub import OpenAIStub

APP = str(REPO / "ui" / "app.py")
TIMEOUT = 120


@pytest.fixture
def app_env(knowledge_index: KnowledgeIndex, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the app at the session's knowledge index as a user of its own; no LLM unless a test adds one.

    Conversations are kept per user in the data dir, so each test is a new user and starts
    with an empty chat. Yields the user's id.
    """
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "KEZHUAN_CHROMA_HOST", "KEZHUAN_LOCAL_ROLE"):
        monkeypatch.delenv(name, raising=False)
    user = f"u-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("KEZHUAN_USER", user)
    monkeypatch.setenv("KEZHUAN_DATA_DIR", str(knowledge_index.settings.data_dir))
    monkeypatch.setenv("KEZHUAN_CACHE_DIR", str(knowledge_index.settings.embedding_cache_dir))
    st.cache_resource.clear()
    yield user
    st.cache_resource.clear()


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="chat_input").set_value(question).run(timeout=TIMEOUT)
    assert not at.exception, at.exception
    return at


@pytest.mark.usefixtures("app_env")
class TestChatPage:
    def test_answer_with_sources(self) -> None:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        assert not at.exception
        assert any("badge[模式：离线抽取]" in m.value for m in at.markdown)
        ask(at, "上海高校科技成果转让净收入给研发团队的奖励不低于多少？")
        answer = at.chat_message[1]
        shown = answer.markdown[0].value.replace("\\", "")  # link syntax is escaped, so markers read as typed
        assert "70%" in shown and "[1]" in shown
        sources = answer.expander[0]
        assert "出处" in sources.label
        assert any("奖励与收益分配指南" in m.value for m in sources.markdown)

    def test_refusal_shows_a_notice(self) -> None:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        ask(
            at, "美国拜杜法案规定大学必须在多长时间内向联邦政府披露发明？"
        )  # a region the base lacks is answered with the gap; this is refused
        answer = at.chat_message[1]
        assert "没有找到" in answer.markdown[0].value
        assert answer.warning and "没有找到直接依据" in answer.warning[0].value

    def test_enterprise_role_never_sees_disclosures(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("KEZHUAN_LOCAL_ROLE", "enterprise")
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        assert not at.sidebar.selectbox  # no role picker anywhere
        assert "本机单用户模式" in at.info[0].value and "企业" in at.info[0].value
        ask(at, "灵犀-7型电解质是怎么制备的？")
        rendered = " ".join(m.value for m in at.chat_message[1].markdown)
        assert "灵犀" not in rendered

    def test_an_over_long_question_is_refused_with_a_message_that_says_so(self) -> None:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        question = ("赋权改革后成果转化收益怎么分？" * 332)[:4970]  # the 4,970 characters once cut silently
        at.chat_input(key="chat_input").set_value(question).run(timeout=TIMEOUT)
        assert not at.exception
        assert at.error and at.error[0].value.startswith("问题过长（4970 字），最多 2000 字")

    def test_follow_up_shows_the_rewritten_question_and_new_conversation_clears(self) -> None:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        ask(at, "科技成果转让给企业，净收入奖励研发团队的比例最低是多少？")
        ask(at, "那上海呢？")
        assert any("检索问题：上海" in c.value for c in at.chat_message[3].caption)
        at.sidebar.button(key="chat_new").click().run()
        assert len(at.chat_message) == 0

    def test_llm_mode_badge_and_answer(self, monkeypatch: pytest.MonkeyPatch) -> None:
        with OpenAIStub() as stub:
            monkeypatch.setenv("OPENAI_API_KEY", "test-key")
            monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
            monkeypatch.setenv("KEZHUAN_LLM_MODEL", "stub-model")
            at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
            assert any("badge[模式：stub-model]" in m.value for m in at.markdown)
            ask(at, "上海高校科技成果转让净收入给研发团队的奖励不低于多少？")
            text = at.chat_message[1].markdown[0].value.replace("\\", "")
            assert "[1]" in text and "[9]" not in text
            assert stub.state.requests and stub.state.requests[-1]["stream"] is True


@pytest.mark.usefixtures("app_env")
class TestChatHistory:
    def test_chat_survives_a_reload_and_is_listed(self, app_env: str) -> None:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        ask(at, "职务科技成果怎么披露？")
        first = at.chat_message[1].markdown[0].value
        reloaded = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # a new browser session
        assert not reloaded.exception
        assert [m.markdown[0].value for m in reloaded.chat_message] == ["职务科技成果怎么披露？", first]
        [listed] = [b for b in reloaded.sidebar.button if b.key.startswith("chat_open_")]
        assert listed.label == "职务科技成果怎么披露？"
        reloaded.sidebar.button(key="chat_new").click().run()
        assert len(reloaded.chat_message) == 0
        reloaded.sidebar.button(key=listed.key).click().run()
        assert len(reloaded.chat_message) == 2

    def test_answer_can_be_copied_and_exported(self) -> None:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        ask(at, "上海高校科技成果转让净收入给研发团队的奖励不低于多少？")
        answer = at.chat_message[1]
        assert "70%" in answer.code[0].value  # st.code carries a copy button
        [export] = answer.get("download_button")
        assert export.proto.label == "导出 Markdown"

    def test_thumbs_down_comment_lands_in_the_audit_log(self, app_env: str) -> None:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        ask(at, "职务科技成果怎么披露？")
        at.feedback[0].set_value(0).run()
        [comment] = at.text_area
        comment.input("没有回答披露的时限").run()
        at.button(key=comment.key.replace("chat_comment_", "chat_comment_go_")).click().run()
        assert not at.exception and not at.text_area
        log = AuditLog.in_data_dir(Path(os.environ["KEZHUAN_DATA_DIR"]))
        feedback = [e.detail for e in log.entries(actor=app_env, action="feedback")]
        asked = [e.detail for e in log.entries(actor=app_env, action="ask")]
        log.close()
        assert feedback == ["👎 职务科技成果怎么披露？｜意见：没有回答披露的时限", "👎 职务科技成果怎么披露？"]
        assert asked == ["职务科技成果怎么披露？"]

    def test_confidential_sources_shown_to_an_officer_are_audited(
        self, app_env: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("KEZHUAN_LOCAL_ROLE", "officer")
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        ask(at, "灵犀-7型电解质是怎么制备的？")
        log = AuditLog.in_data_dir(Path(os.environ["KEZHUAN_DATA_DIR"]))
        shown = log.entries(actor=app_env, action="show")
        log.close()
        assert shown and all(e.role == "officer" and e.detail.startswith("智能问答：") for e in shown)


def test_app_imports_its_pages_without_the_repo_on_sys_path(app_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """`streamlit run ui/app.py` puts only ui/ on sys.path; the app must still find ui.resources."""
    import sys
    from pathlib import Path

    monkeypatch.setattr(sys, "path", [p for p in sys.path if p and Path(p).resolve() != REPO])
    for name in [m for m in sys.modules if m == "ui" or m.startswith("ui.")]:
        monkeypatch.delitem(sys.modules, name)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
