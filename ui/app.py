"""科转助手 Streamlit app: who is using it, then the pages their role may open.

With an identity provider configured (``[auth]`` in ``.streamlit/secrets.toml``) a visitor who
is not logged in sees the log-in page only; after ``st.login`` the role comes from identity
(ui.identity). Without one the app runs in single-user local mode, said in a banner on every page.
Each page only displays what assistant.tasks computes and reads with ``current_identity().audience``.

`streamlit run ui/app.py` puts only ui/ on sys.path; the pages import `ui.resources` from the
installed package (pyproject.toml installs `ui` beside `assistant`), from any working directory.
The officers' pages are in the navigation only for officers (and refuse anyone else who opens them).
"""

import streamlit as st

from assistant.errors import KezhuanError
from assistant.index.visibility import Role
from ui.identity import current_identity, login_required

st.set_page_config(page_title="科转助手", page_icon="🔬", layout="wide")

if login_required():
    st.navigation([st.Page("app_pages/login.py", title="登录", icon="🔐")], position="hidden").run()
    st.stop()

try:
    identity = current_identity()
except KezhuanError as exc:  # a wrong roles file or KEZHUAN_ setting: one line, nothing shown
    st.error(str(exc))
    st.stop()

if identity.local:
    st.info(
        f"本机单用户模式：当前身份为「{identity.role_label}」（{identity.name}），由环境变量 KEZHUAN_LOCAL_ROLE"
        "设置。未配置统一身份认证，请勿在多人可访问的服务器上这样运行。",
        icon="🖥️",
    )
else:
    with st.sidebar:
        st.markdown(f"**{identity.name}**　{identity.role_label}")
        if st.button("退出登录", key="app_logout", use_container_width=True):
            st.logout()

pages = [
    st.Page("app_pages/chat.py", title="智能问答", icon="💬", default=True),
    st.Page("app_pages/matching.py", title="供需匹配", icon="🤝"),
]
if identity.role is Role.RESEARCHER:
    pages += [
        st.Page("app_pages/disclosure.py", title="成果披露", icon="📝"),
        st.Page("app_pages/my_disclosures.py", title="我的披露", icon="🗂️"),
    ]
if identity.role is not Role.ENTERPRISE:
    pages.append(st.Page("app_pages/reward.py", title="奖励测算", icon="🧮"))
pages += [
    st.Page("app_pages/briefing.py", title="简报生成", icon="📊"),
    st.Page("app_pages/agencies.py", title="服务机构", icon="🏢"),
    st.Page("app_pages/search.py", title="知识检索", icon="🔎"),
]
if identity.role is Role.OFFICER:
    pages += [
        st.Page("app_pages/workbench.py", title="知识库管理", icon="📚"),
        st.Page("app_pages/audit.py", title="审计日志", icon="📜"),
    ]
st.navigation(pages).run()
