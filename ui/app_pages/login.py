"""登录: the only page a visitor sees while an identity provider is configured and nobody is logged in."""

import streamlit as st

st.title("科转助手")
st.subheader("高校科技成果转化助手")
st.write(
    "科转助手保存着尚未公开的发明披露材料，请先通过学校统一身份认证登录。"
    "登录后，系统按您的身份（科研人员、成果转化专员或企业用户）显示您有权查看的内容。"
)
if st.button("使用统一身份认证登录", key="login_button", type="primary"):
    st.login()
st.caption("校外企业用户请使用学校为合作企业开通的账号登录；没有登记角色的账号按企业用户对待，只能查看公开信息。")
