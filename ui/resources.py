"""Heavy objects shared by all pages, created once per server process."""

from __future__ import annotations

import streamlit as st

from assistant.config import Settings
from assistant.index.knowledge_index import KnowledgeIndex


@st.cache_resource(show_spinner="正在加载索引与向量模型…")
def get_index() -> KnowledgeIndex:
    """The index named by the environment (KEZHUAN_DATA_DIR …)."""
    return KnowledgeIndex(Settings())
