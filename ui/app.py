"""科转助手 Streamlit app: declares the pages (the chat arrives with its issue)."""

import streamlit as st

st.set_page_config(page_title="科转助手", page_icon="🔬", layout="wide")
navigation = st.navigation([st.Page("app_pages/search.py", title="知识检索", icon="🔎", default=True)])
navigation.run()
