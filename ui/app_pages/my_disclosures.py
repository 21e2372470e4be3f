"""我的披露: the logged-in researcher's stored disclosure drafts, to download again or withdraw."""

import streamlit as st

from assistant.errors import KezhuanError
from assistant.index.visibility import Role
from assistant.report.slug import slug
from assistant.tasks.disclosure import DisclosureDrafter
from ui.identity import current_identity
from ui.markup import md
from ui.resources import ensure_index, get_audit

index = ensure_index()
identity = current_identity()
audit = get_audit()
st.title("我的披露")
if identity.role is not Role.RESEARCHER or not identity.researcher_id:
    st.info("这里列出科研人员本人提交的披露草稿：请以科研人员身份登录。")
    st.stop()
st.caption("您在「成果披露」中生成并保存的草稿。草稿是保密文档，仅您本人与成果转化专员可见；撤回即从知识库中删除。")

drafter = DisclosureDrafter(index)
if withdrawn := st.session_state.pop("mine_withdrawn", None):
    st.success(f"已撤回：{withdrawn}")
drafts = drafter.drafts(identity.audience)
if not drafts:
    st.info("您还没有保存的披露草稿。在「成果披露」页填写披露表即可生成。")

for number, draft in enumerate(drafts):
    with st.container(border=True):
        st.markdown(f"**{md(draft.title)}**")
        st.caption(f"保存于 {draft.submitted}（UTC）")
        try:
            markdown = drafter.read(draft.doc_id, identity.audience)
        except KezhuanError as exc:
            st.error(str(exc))
            continue
        left, middle, _ = st.columns([1, 1, 3])
        left.download_button(
            "下载 Markdown",
            markdown,
            file_name=f"{slug(draft.title, fallback='披露摘要')}.md",
            key=f"mine_download_{number}",
            on_click="ignore",
        )
        with middle.popover("撤回"):
            st.write("撤回后草稿将从知识库删除，无法恢复。")
            if st.button("确认撤回", key=f"mine_withdraw_{number}", type="primary"):
                try:
                    drafter.withdraw(draft.doc_id, identity.audience)
                except KezhuanError as exc:
                    st.error(str(exc))
                else:
                    audit.record(
                        identity.user_id,
                        "draft_withdraw",
                        role=identity.role.value,
                        target=draft.doc_id,
                        detail=draft.title,
                    )
                    st.session_state.mine_withdrawn = draft.title
                    st.rerun()
        with st.expander("查看草稿"):
            st.markdown(markdown)
        # The text reaches the browser with the page (download and preview), so that is when it is read.
        read: set[str] = st.session_state.setdefault("mine_read", set())
        if draft.doc_id not in read:
            read.add(draft.doc_id)
            audit.record(
                identity.user_id, "draft_read", role=identity.role.value, target=draft.doc_id, detail=draft.title
            )
