"""科转助手 Streamlit app: declares the pages; each page only displays what assistant.tasks computes."""

import streamlit as st

st.set_page_config(page_title="科转助手", page_icon="🔬", layout="wide")
navigation = st.navigation(
    [
        st.Page("app_pages/chat.py", title="智能问答", icon="💬", default=True),
        st.Page("app_pages/matching.py", title="供需匹配", icon="🤝"),
        st.Page("app_pages/disclosure.py", title="成果披露", icon="📝"),
        st.Page("app_pages/search.py", title="知识检索", icon="🔎"),
    ]
)
navigation.run()
