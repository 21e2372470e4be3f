"""服务机构: the whitelist as a filterable table, each agency's six criteria, and recommendations."""

import streamlit as st

from assistant.errors import KezhuanError
from assistant.index.visibility import Audience
from assistant.tasks.agencies import CRITERIA, list_agencies, recommend_agencies
from ui.markup import md
from ui.resources import ensure_index

ANY = "不限"

index = ensure_index()
audience = Audience.public()  # the whitelist is public data
st.title("服务机构")
st.caption(
    "白名单身份只取自科技创新券白名单数据；综合评分为六项条件的加权平均"
    "（服务质量、履约记录、诚信记录各 20%，服务能力、内控体系各 15%，服务频率 10%）。"
)

everyone = list_agencies(index, audience)
services = sorted({s for a in everyone for s in a.services})
fields = sorted({f for a in everyone for f in a.fields})
left, middle, right, last = st.columns(4)
service = left.selectbox("服务类型", [ANY, *services], key="agency_service")
field = middle.selectbox("服务领域", [ANY, *fields], key="agency_field")
region = right.text_input("地区", placeholder="如 浦东", key="agency_region")
whitelisted_only = last.checkbox("只看白名单", key="agency_whitelisted")
shown = list_agencies(
    index,
    audience,
    service=None if service == ANY else service,
    field=None if field == ANY else field,
    region=region.strip() or None,
    whitelisted_only=whitelisted_only,
)
st.dataframe(
    [
        {
            "编号": a.id,
            "机构": a.name,
            "白名单": "是" if a.whitelisted else "否",
            "综合评分": round(a.overall, 1),
            "服务": "、".join(a.services),
            "领域": "、".join(a.fields),
            "地区": a.region,
            **{label: a.scores.get(label) for _, label in CRITERIA},
        }
        for a in shown
    ],
    hide_index=True,
    key="agency_table",
)
if not shown:
    st.info("没有符合条件的机构。")
else:
    picked = st.selectbox(
        "查看机构的六项条件",
        [a.id for a in shown],
        format_func=lambda i: f"{i} {next(a.name for a in shown if a.id == i)}",
        key="agency_pick",
    )
    agency = next(a for a in shown if a.id == picked)
    st.markdown(
        f"**{md(agency.name)}**（{'白名单机构' if agency.whitelisted else '不在白名单内'}）综合评分 {agency.overall:.1f}"
    )
    st.bar_chart(
        {"条件": [label for _, label in CRITERIA], "得分": [agency.scores.get(label, 0.0) for _, label in CRITERIA]},
        x="条件",
        y="得分",
        horizontal=True,
        sort=False,  # keep the criteria in the order of the reply letter
        x_label="得分（0–100）",
        height=260,
    )

st.subheader("按需求推荐")
with st.form("agency_recommend"):
    need = st.text_area("需求", placeholder="例如：需要专利价值评估和作价入股方案", key="agency_need")
    asked = st.form_submit_button("推荐白名单机构", type="primary")
if asked:
    try:
        recommended = recommend_agencies(index, need, audience, k=5)
    except KezhuanError as exc:
        st.error(str(exc))
        recommended = None
    if recommended is not None and not recommended:
        st.info("白名单中没有合适的机构。")
    for number, agency in enumerate(recommended or [], start=1):
        with st.container(border=True):
            st.markdown(f"**{number}. {md(agency.name)}**　编号 {md(agency.id)}")
            st.markdown("\n".join(f"- {md(reason)}" for reason in agency.reasons))
