"""知识检索: hybrid search over what the logged-in user may see."""

import streamlit as st

from assistant.errors import KezhuanError
from assistant.query import checked_query
from assistant.records import Visibility
from ui.identity import current_identity
from ui.markup import cite, md
from ui.resources import DOC_TYPE_LABELS, audit_shown, ensure_index

VISIBILITY_NOTES = {
    Visibility.INTERNAL: ("内部资料",),
    Visibility.CONFIDENTIAL: ("保密：仅作者本人与成果转化专员可见",),
}

st.title("科转助手 · 知识检索")
st.caption("检索政策指南、法规条文、样例专利、服务机构与企业需求；只列出您有权查看的内容。")
identity = current_identity()
query = st.text_input("输入问题或关键词", key="search_query", placeholder="例如：高校科技成果转化奖励比例")
if query:
    try:
        hits = ensure_index().search(checked_query(query), identity.audience, top_k=8)
    except KezhuanError as exc:
        st.error(str(exc))
        hits = []
    else:
        if not hits:
            st.info("没有找到相关内容。")
    audit_shown(identity, (hit.chunk for hit in hits), where="知识检索")
    for number, hit in enumerate(hits, start=1):
        with st.expander(md(f"[{number}] {cite(hit.chunk)}"), expanded=number <= 3):
            st.text(hit.chunk.text)
            st.caption(
                " · ".join([DOC_TYPE_LABELS[hit.chunk.doc_type], *VISIBILITY_NOTES.get(hit.chunk.visibility, ())])
            )
