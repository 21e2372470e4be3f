"""成果披露: fill the disclosure form, see problems per field, preview and download the draft."""

import io
import json
import tempfile
from pathlib import Path

import streamlit as st

from assistant.errors import KezhuanError
from assistant.index.visibility import Audience, Role
from assistant.tasks.disclosure import FIELD_LABELS, DisclosureDrafter, DisclosureFormError, parse_form
from ui.resources import ensure_index, get_chat_model

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "disclosure-form.json"
TYPES = ["专利", "软件著作权", "集成电路布图设计", "植物新品种", "生物医药新品种", "技术秘密"]
FUNDING = ["纵向", "横向", "自筹", "无"]
SECRECY = ["普通", "保密", "涉密"]

index = ensure_index()
st.title("成果披露")
st.caption("填写科技成果披露表，生成披露摘要草稿；草稿仅本人与转化专员可见。相似专利仅为初步提示，不是检索报告。")

if st.button("载入示例", key="disclose_example"):
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for name in ("title", "author", "field", "background", "prior_art_shortcomings", "problem", "solution", "effects",
                 "indicators", "embodiment_data", "scenarios", "maturity", "project_no", "transfer_mode"):  # fmt: skip
        st.session_state[f"disclose_{name}"] = example.get(name, "")
    st.session_state.disclose_innovations = "\n".join(example["innovations"])
    st.session_state.disclose_inventors = "\n".join(
        f"{i['name']},{i['share']},{i.get('department', '')}" for i in example["inventors"]
    )
    st.session_state.disclose_type = example["achievement_type"]
    st.session_state.disclose_funding = example["funding_source"]
    st.session_state.disclose_vesting = example["vesting_requested"]
    st.session_state.disclose_publications = "\n".join(
        f"{p['kind']},{p.get('venue', '')},{p.get('date', '')},{p['status']}" for p in example["publications"]
    )

with st.form("disclose_form"):
    left, right = st.columns(2)
    values = {
        "title": left.text_input("成果名称", key="disclose_title"),
        "author": right.text_input("提交人编号", key="disclose_author"),
        "achievement_type": left.selectbox("成果类型", TYPES, key="disclose_type"),
        "field": right.text_input("技术领域", key="disclose_field"),
        "maturity": left.text_input("成熟度（TRL1–9 或 研发中/样品/小试/中试/量产）", key="disclose_maturity"),
        "funding_source": right.selectbox("经费来源", FUNDING, key="disclose_funding"),
        "project_no": left.text_input("项目编号", key="disclose_project_no"),
        "transfer_mode": right.text_input("拟转化方式", key="disclose_transfer_mode"),
        "confidentiality": left.selectbox("保密要求", SECRECY, index=1, key="disclose_secrecy"),
        "vesting_requested": right.checkbox("申请赋权", key="disclose_vesting"),
    }
    inventors = st.text_area("完成人（每行：姓名,贡献比例,院系）", key="disclose_inventors")
    for name in ("background", "prior_art_shortcomings", "problem", "solution", "effects", "indicators",
                 "embodiment_data", "scenarios"):  # fmt: skip
        values[name] = st.text_area(FIELD_LABELS[name], key=f"disclose_{name}")
    innovations = st.text_area("关键创新点（每行一条，最多3条）", key="disclose_innovations")
    publications = st.text_area("公开情况（每行：类型,场合,日期,已公开/已投稿/计划）", key="disclose_publications")
    submitted = st.form_submit_button("生成披露摘要", type="primary")

if submitted:
    values["innovations"] = [line.strip() for line in innovations.splitlines() if line.strip()]
    rows = [line.split(",") for line in inventors.splitlines() if line.strip()]
    values["inventors"] = [
        {"name": r[0].strip(), "share": r[1].strip() if len(r) > 1 else "", "department": ",".join(r[2:]).strip()}
        for r in rows
    ]
    values["publications"] = [
        {"kind": p[0].strip(), "venue": p[1].strip(), "date": p[2].strip() or None, "status": p[3].strip()}
        for p in (line.split(",") for line in publications.splitlines() if line.strip())
        if len(p) >= 4
    ]
    try:
        form = parse_form(values)
        st.session_state.disclose_draft = DisclosureDrafter(index, llm=get_chat_model()).draft(
            form, Audience(Role.RESEARCHER, form.author)
        )
        st.session_state.disclose_problems = {}
    except DisclosureFormError as exc:
        st.session_state.disclose_problems = exc.problems
        st.session_state.disclose_draft = None
    except KezhuanError as exc:
        st.error(str(exc))

for name, problem in st.session_state.get("disclose_problems", {}).items():
    st.error(f"{FIELD_LABELS.get(name, name)}：{problem}")

draft = st.session_state.get("disclose_draft")
if draft is not None:
    st.success("草稿已生成，并已作为保密文档存入知识库。")
    markdown = draft.markdown()
    left, right = st.columns(2)
    left.download_button("下载 Markdown", markdown, file_name=f"{draft.form.title}.md", key="disclose_md")
    with tempfile.TemporaryDirectory() as folder:
        data = draft.save_docx(Path(folder) / "draft.docx").read_bytes()
    right.download_button("下载 Word", io.BytesIO(data), file_name=f"{draft.form.title}.docx", key="disclose_docx")
    st.markdown(markdown)
