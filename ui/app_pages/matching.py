"""供需匹配: demand → technologies and technology → enterprises, as ranked cards with reasons."""

from collections.abc import Callable

import streamlit as st

from assistant.errors import KezhuanError
from assistant.tasks.match_card import CARD_LABELS
from assistant.tasks.matching import MatchResult
from ui.identity import current_identity
from ui.markup import md
from ui.resources import audit_shown, ensure_index, get_matcher, list_records

ensure_index()
matcher = get_matcher()

st.title("供需匹配")
st.caption(
    "按语义、关键词与双方条件（领域、成熟度、合作方式、预算）排序；「可信度」高/中/低是校准后的绝对判断，"
    "与排序得分无关。最好的结果也为「低」时，页面直接说明知识库中暂无合适成果。"
)
identity = current_identity()
audience = identity.audience
CONFIDENCE_ICONS = {"高": "🟢", "中": "🟡", "低": "⚪"}


def show(result: MatchResult) -> None:
    if line := result.understood_line():
        st.info(md(line))
    if result.no_match:
        st.warning(md(result.verdict) + "。建议：\n" + "\n".join(f"- {md(step)}" for step in result.next_steps))
        if result.matches:
            st.caption("以下为最接近的记录，仅供参考：")
    elif not result.matches:
        st.info("没有找到匹配项。")
    audit_shown(identity, (match.chunk for match in result.matches), where="供需匹配")
    for number, match in enumerate(result.matches, start=1):
        with st.container(border=True):
            icon = CONFIDENCE_ICONS.get(match.confidence, "")
            st.markdown(
                f"**{number}. {md(match.chunk.title)}**　编号 {md(match.chunk.doc_id)}　{icon} 可信度：**{match.confidence}**"
            )
            st.progress(min(max(match.score, 0.0), 1.0), text=f"排序得分 {match.score:.2f}（只在本次结果内比较）")
            st.markdown("\n".join(f"- {md(reason)}" for reason in match.reasons))
            facts = {key: value for key, value in match.card.items() if key not in ("abstract", "problem")}
            if facts:
                st.markdown("　".join(f"**{CARD_LABELS[key]}**：{md(value)}" for key, value in facts.items()))
            summary = match.card.get("abstract") or match.card.get("problem")
            if summary:
                with st.expander("展开全文摘要"):
                    st.markdown(md(summary))


def run_and_show(key: str, call: Callable[[], MatchResult] | None) -> None:
    """Run a match when its button was pressed, keep the result in the session, show it."""
    if call is not None:
        try:
            with st.spinner("正在匹配…"):  # seconds on a busy machine: say something is happening
                st.session_state[key] = call()
        except KezhuanError as exc:
            st.error(str(exc))
    if isinstance(st.session_state.get(key), MatchResult):
        show(st.session_state[key])


demand_tab, patent_tab = st.tabs(["需求找技术", "技术找企业"])
with demand_tab:
    demands = list_records("demand", audience)
    picked = st.selectbox(
        "选择已发布的需求（可选）",
        [None, *[d for d, _ in demands]],
        format_func=lambda d: "— 直接输入需求描述 —" if d is None else f"{d} {dict(demands)[d]}",
        key="match_demand_id",
    )
    text = st.text_area(
        "需求描述", key="match_demand_text", placeholder="例如：电动车电池夏天容易鼓包，想找耐高温的隔膜材料"
    )
    if picked and text.strip():
        st.caption("已选择已发布的需求，将按该需求匹配；如需按上面输入的描述匹配，请把选择改为「直接输入需求描述」。")
    pressed = st.button("查找技术", key="match_demand_go", type="primary")
    demand = (
        (lambda: matcher.for_demand(None if picked else text, audience=audience, demand_id=picked, k=8))
        if pressed
        else None
    )
    run_and_show("match_results", demand)

with patent_tab:
    patents = list_records("patent", audience)
    patent = st.selectbox(
        "选择专利/成果", [p for p, _ in patents], format_func=lambda p: f"{p} {dict(patents)[p]}", key="match_patent_id"
    )
    pressed = st.button("查找企业需求", key="match_patent_go", type="primary") and bool(patent)
    run_and_show(
        "match_patent_results", (lambda: matcher.for_patent(patent, audience=audience, k=8)) if pressed else None
    )
