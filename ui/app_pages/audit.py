"""审计日志 (officers only): who asked what, which non-public documents were shown to whom, uploads, deletions."""

from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from assistant.audit import ACTIONS
from assistant.index.visibility import Role
from ui.identity import ROLE_LABELS, current_identity
from ui.resources import get_audit

DAYS_SHOWN = 7  # the default window: the last week
MAX_ROWS = 1000

st.title("科转助手 · 审计日志")
if current_identity().role is not Role.OFFICER:
    st.info("仅转化专员可用。")
    st.stop()

audit = get_audit()
st.caption("记录提问、向用户展示的非公开资料、回答反馈、文件上传与删除。记录只增不改，超过保留期限后自动清除。")
left, middle, right = st.columns(3)
actor = left.text_input("用户", key="audit_user", placeholder="邮箱或用户编号，留空为全部").strip()
actions = sorted(set(ACTIONS) | set(audit.actions()))
action = middle.selectbox(
    "操作", actions, index=None, format_func=lambda a: ACTIONS.get(a, a), key="audit_action", placeholder="全部操作"
)
today = date.today()
window = right.date_input("日期", value=(today - timedelta(days=DAYS_SHOWN), today), key="audit_dates")
start, end = (window[0], window[-1]) if isinstance(window, tuple) and window else (today, today)
since = datetime.combine(start, time.min).astimezone(UTC)
until = datetime.combine(end + timedelta(days=1), time.min).astimezone(UTC)

entries = audit.entries(actor=actor or None, action=action, since=since, until=until, limit=MAX_ROWS)
if not entries:
    st.info("没有符合条件的记录。")
    st.stop()
st.caption(f"共 {len(entries)} 条" + ("（仅显示最新的部分）" if len(entries) == MAX_ROWS else ""))
st.dataframe(
    [
        {
            "时间": f"{e.at.astimezone():%Y-%m-%d %H:%M:%S}",
            "用户": e.actor,
            "角色": ROLE_LABELS.get(Role(e.role), e.role) if e.role in set(Role) else e.role,
            "操作": ACTIONS.get(e.action, e.action),
            "对象": e.target,
            "详情": e.detail,
        }
        for e in entries
    ],
    hide_index=True,
    key="audit_table",
)
