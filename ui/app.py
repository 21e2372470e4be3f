"""科转助手 Streamlit app: declares the pages; each page only displays what assistant.tasks computes.

`streamlit run ui/app.py` puts only ui/ on sys.path; the pages import `ui.resources` from the
installed package (pyproject.toml installs `ui` beside `assistant`), from any working directory.
"""

import streamlit as st

st.set_page_config(page_title="科转助手", page_icon="🔬", layout="wide")
navigation = st.navigation(
    [
        st.Page("app_pages/chat.py", title="智能问答", icon="💬", default=True),
        st.Page("app_pages/matching.py", title="供需匹配", icon="🤝"),
        st.Page("app_pages/disclosure.py", title="成果披露", icon="📝"),
        st.Page("app_pages/reward.py", title="奖励测算", icon="🧮"),
        st.Page("app_pages/briefing.py", title="简报生成", icon="📊"),
        st.Page("app_pages/agencies.py", title="服务机构", icon="🏢"),
        st.Page("app_pages/search.py", title="知识检索", icon="🔎"),
    ]
)
navigation.run()
