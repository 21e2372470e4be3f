"""科转助手 Streamlit app: declares the pages; each page only displays what assistant.tasks computes."""

import sys
from pathlib import Path

import streamlit as st

# `streamlit run ui/app.py` puts ui/ on sys.path, not the repository root that the pages
# import `ui.resources` from; add it so `make run` works from any working directory.
REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

st.set_page_config(page_title="科转助手", page_icon="🔬", layout="wide")
navigation = st.navigation(
    [
        st.Page("app_pages/chat.py", title="智能问答", icon="💬", default=True),
        st.Page("app_pages/matching.py", title="供需匹配", icon="🤝"),
        st.Page("app_pages/disclosure.py", title="成果披露", icon="📝"),
        st.Page("app_pages/briefing.py", title="简报生成", icon="📊"),
        st.Page("app_pages/agencies.py", title="服务机构", icon="🏢"),
        st.Page("app_pages/search.py", title="知识检索", icon="🔎"),
    ]
)
navigation.run()
