"""简报生成: topic and filters in, a briefing with figures, charts and sources out (.md / .docx)."""

import io
import zipfile
from datetime import date
from pathlib import Path

import streamlit as st

from assistant.errors import KezhuanError
from assistant.tasks.briefing import INDUSTRIES, Briefer, BriefingRequest
from assistant.tasks.briefing_document import briefing_document, default_stem, save_briefing
from assistant.tasks.briefing_figures import LEGAL_STATUS_ORDER
from ui.document_view import show_blocks
from ui.identity import current_identity
from ui.resources import ensure_index, get_chat_model

ANY = "不限"
MATURITY_CHOICES = (ANY, "TRL4", "TRL5", "TRL6", "TRL7", "TRL8")

index = ensure_index()
st.title("简报生成")
st.caption("数字全部由知识库记录统计得出并注明统计范围；政策要点逐句标注出处；可下载 Markdown（含图表）或 Word。")
audience = current_identity().audience

with st.form("brief_form"):
    topic = st.text_input("简报主题", value="人工智能领域可转化成果", key="brief_topic")
    left, middle, right = st.columns(3)
    industry = left.selectbox("所属产业", [ANY, *INDUSTRIES], key="brief_industry")
    legal_status = middle.selectbox("法律状态", [ANY, *LEGAL_STATUS_ORDER], key="brief_status")
    maturity = right.selectbox("最低成熟度", MATURITY_CHOICES, key="brief_maturity")
    left, middle, right = st.columns(3)
    since = left.date_input("申请日起", value=None, min_value=date(1985, 1, 1), key="brief_since")
    until = middle.date_input("申请日止", value=None, min_value=date(1985, 1, 1), key="brief_until")
    ipc = right.text_input("IPC 前缀", placeholder="如 H 或 H01M", key="brief_ipc")
    submitted = st.form_submit_button("生成简报", type="primary")


def _build(request: BriefingRequest) -> Path | None:
    """Build and save the briefing under the data dir; the path of its Markdown, or None on error."""
    try:
        with st.status("正在生成简报…", expanded=False) as progress:
            briefing = Briefer(index, llm=get_chat_model()).build(
                request, audience, progress=lambda m: progress.update(label=m)
            )
            folder = Path(index.data_dir) / "briefings"
            stem = default_stem(briefing)
            markdown = save_briefing(briefing, folder / f"{stem}.md")
            save_briefing(briefing, folder / f"{stem}.docx")
            progress.update(label="简报已生成", state="complete")
        st.session_state.brief_result = briefing
        return markdown
    except KezhuanError as exc:
        st.error(str(exc))
        return None


if submitted:
    request = BriefingRequest(
        topic=topic,
        industry=None if industry == ANY else industry,
        ipc=ipc.strip() or None,
        since=since,
        until=until,
        legal_status=None if legal_status == ANY else legal_status,
        min_maturity=None if maturity == ANY else maturity,
    )
    st.session_state.brief_path = _build(request)


path: Path | None = st.session_state.get("brief_path")
briefing = st.session_state.get("brief_result")
if path is not None and briefing is not None:
    charts = sorted(path.with_name(f"{path.stem}.charts").glob("chart-*.png"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(path, path.name)
        for chart in charts:
            zipped.write(chart, f"{chart.parent.name}/{chart.name}")
    left, right = st.columns(2)
    name = briefing.title
    left.download_button("下载 Markdown（含图表，zip）", archive.getvalue(), file_name=f"{name}.zip", key="brief_md")
    right.download_button(
        "下载 Word", path.with_suffix(".docx").read_bytes(), file_name=f"{name}.docx", key="brief_docx"
    )
    st.header(briefing.title)
    st.caption(f"统计范围：{briefing.scope}｜概述撰写：{briefing.narrative_by}")
    if briefing.sample_data:
        st.info("本简报统计的成果、需求和机构记录为样例数据（虚构），仅供演示。")
    for section in briefing_document(briefing, charts).sections:
        st.subheader(section.heading)
        if section.heading.endswith("主要数据"):  # the totals in view; the breakdowns (drawn below) folded
            show_blocks(section.blocks[:1])
            with st.expander("分项分布"):
                show_blocks(section.blocks[1:])
        else:
            show_blocks(section.blocks)
