"""Heavy objects shared by all pages, created once per server process, and shared labels."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.audit import AuditLog
from assistant.chat.router import ChatRouter
from assistant.config import Settings
from assistant.conversations import ConversationStore
from assistant.generate.llm import make_chat_model
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.pipeline import Ingestor
from assistant.ingest.workbench import Workbench
from assistant.records import Chunk, DocType, Visibility
from assistant.tasks.matching import Matcher
from ui.identity import SessionIdentity

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"
VISIBILITY_LABELS = {Visibility.PUBLIC: "公开", Visibility.INTERNAL: "内部", Visibility.CONFIDENTIAL: "机密"}
DOC_TYPE_LABELS = {
    DocType.POLICY: "政策法规",
    DocType.FAQ: "常见问题",
    DocType.PATENT: "专利成果",
    DocType.DEMAND: "企业需求",
    DocType.AGENCY: "服务机构",
    DocType.DISCLOSURE: "成果披露",
}


@st.cache_resource(show_spinner="正在加载索引与向量模型…")
def get_index() -> KnowledgeIndex:
    """The index named by the environment (KEZHUAN_DATA_DIR …)."""
    return KnowledgeIndex(Settings())


@st.cache_resource(show_spinner=False)
def get_audit() -> AuditLog:
    """The audit log in the index's data dir (questions, non-public documents shown, drafts, uploads)."""
    settings = get_index().settings
    return AuditLog.in_data_dir(settings.data_dir, retention_days=settings.audit_retention_days)


@st.cache_resource(show_spinner=False)
def get_conversations() -> ConversationStore:
    """Every user's saved chats, in the index's data dir."""
    return ConversationStore.in_data_dir(get_index().settings.data_dir)


@st.cache_resource(show_spinner=False)
def get_workbench() -> Workbench:
    """Upload, list, delete and re-index files of the index (officers' page)."""
    return Workbench(get_index())


@st.cache_resource(show_spinner=False)
def get_router() -> ChatRouter:
    """The chat router; LLM mode when OPENAI_API_KEY is set."""
    index = get_index()
    return ChatRouter(index, index.settings)


class StreamlitProgress:
    """Shows an ingest's embedding progress (the slow part) as a progress bar.

    :param label: what is being indexed, shown before the count.
    :param keep: leave the full bar on the page when done (an upload), instead of removing it.
    """

    def __init__(self, label: str = "正在向量化知识库", *, keep: bool = False) -> None:
        self._label = label
        self._keep = keep
        self._bar = st.progress(0.0, text=f"{label}…")
        self._total = 1
        self._done = 0

    def start(self, total_chunks: int) -> None:
        self._total = max(total_chunks, 1)

    def advance(self, chunks: int) -> None:
        self._done += chunks
        self._bar.progress(min(self._done / self._total, 1.0), text=f"{self._label}：{self._done}/{self._total} 块")

    def finish(self) -> None:
        if self._keep:
            self._bar.progress(1.0, text=f"{self._label}：完成，{self._done}/{self._total} 块")
        else:
            self._bar.empty()


def ensure_index() -> KnowledgeIndex:
    """The index, built from knowledge/ on first start when it is empty."""
    index = get_index()
    if index.count() == 0 and KNOWLEDGE_DIR.exists():
        with st.status("首次启动：正在为内置知识库建立索引（约需几分钟）…", expanded=True) as status:
            report = Ingestor(index).ingest([KNOWLEDGE_DIR], progress=StreamlitProgress())
            status.update(label=f"索引完成：{report.chunks_added} 个文本块", state="complete", expanded=False)
    return index


@st.cache_resource(show_spinner=False)
def get_chat_model() -> Any:
    """The configured chat model, or ``None`` offline (used to polish disclosure prose)."""
    settings = get_index().settings
    return make_chat_model(settings) if settings.llm_enabled else None


@st.cache_resource(show_spinner=False)
def get_matcher() -> Matcher:
    return Matcher(get_index())


def list_records(doc_type: str, audience: Audience) -> list[tuple[str, str]]:
    """(doc_id, title) of every record of one type the audience may see, for pickers."""
    return _list_records(doc_type, audience.role.value, audience.user)


@st.cache_data(show_spinner=False)
def _list_records(doc_type: str, role: str, user: str | None) -> list[tuple[str, str]]:
    records = {c.doc_id: c.title for c in get_index().records(DocType(doc_type), Audience(Role(role), user))}
    return sorted(records.items())


def audit_shown(identity: SessionIdentity, chunks: Iterable[Chunk], *, where: str) -> None:
    """Record which non-public documents a page showed to whom.

    Streamlit reruns a page on every click, so each document is recorded once per page and
    browser session, not once per rerun.
    """
    seen: set[tuple[str, str]] = st.session_state.setdefault("audit_shown", set())
    fresh = [c for c in chunks if (where, c.doc_id) not in seen]
    logged = get_audit().record_shown(identity.user_id, fresh, role=identity.role.value, where=where)
    seen.update((where, doc_id) for doc_id in logged)
