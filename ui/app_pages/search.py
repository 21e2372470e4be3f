"""知识检索: hybrid search over the indexed knowledge base, with role filtering."""

import streamlit as st

from assistant.errors import KezhuanError
from assistant.query import clean_query
from ui.markup import cite, md
from ui.resources import DOC_TYPE_LABELS, ensure_index, pick_audience

st.title("科转助手 · 知识检索")
st.caption("检索政策指南、法规条文、样例专利、服务机构与企业需求。")
audience = pick_audience("search_role", ask_user=True)
query = st.text_input("输入问题或关键词", key="search_query", placeholder="例如：高校科技成果转化奖励比例")
if query:
    try:
        text, warning = clean_query(query)
        if warning:
            st.warning(warning)
        hits = ensure_index().search(text, audience, top_k=8)
    except KezhuanError as exc:
        st.error(str(exc))
        hits = []
    if not hits:
        st.info("没有找到相关内容。")
    for number, hit in enumerate(hits, start=1):
        with st.expander(md(f"[{number}] {cite(hit.chunk)}"), expanded=number <= 3):
            st.text(hit.chunk.text)
            st.caption(f"{DOC_TYPE_LABELS[hit.chunk.doc_type]} · 得分 {hit.score:.4f}")
