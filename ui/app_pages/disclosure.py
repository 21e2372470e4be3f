"""成果披露: fill the disclosure form, see problems per field, preview and download the draft."""

import io
import json
import tempfile
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from assistant.errors import DisclosureFormError, KezhuanError, StoreError
from assistant.index.visibility import Role
from assistant.report.slug import slug
from assistant.tasks.disclosure import DisclosureDrafter
from assistant.tasks.disclosure_form import (
    ACHIEVEMENT_TYPES,
    CONFIDENTIALITY_LEVELS,
    FIELDS,
    FUNDING_SOURCES,
    form_label,
    parse_form,
)
from ui.identity import current_identity
from ui.resources import ensure_index, get_audit, get_chat_model

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "disclosure-form.json"
LONG_FIELDS = ("background", "prior_art_shortcomings", "problem", "solution", "effects", "indicators",
               "embodiment_data", "scenarios")  # fmt: skip


def text_input(name: str, column: DeltaGenerator) -> str:
    return column.text_input(form_label(name), max_chars=FIELDS[name].max_chars, key=f"disclose_{name}")


index = ensure_index()
identity = current_identity()
st.title("成果披露")
if identity.role is not Role.RESEARCHER or not identity.researcher_id:
    st.info("成果披露由科研人员本人提交：请以科研人员身份登录。账号未登记研究人员编号时，请联系成果转化专员。")
    st.stop()
st.caption(
    "填写科技成果披露表，生成披露摘要草稿；草稿仅本人与转化专员可见，可在「我的披露」中再次下载或撤回。"
    "相似专利仅为初步提示，不是检索报告。"
    "草稿中的“公开与申请时间线”按公开情况和拟申请日期计算最早公开日、宽限期最后一天等，并注明法条。"
    "括号里是各栏的字数要求；多项内容每行一项，各部分可用逗号（, 或 ，）、顿号或分号分隔。"
)
st.caption(f"提交人：{identity.name}（研究人员编号 {identity.researcher_id}）")

if st.button("载入示例", key="disclose_example"):
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for name in ("title", "field", "maturity", "project_no", "transfer_mode", "planned_filing_date", *LONG_FIELDS):
        st.session_state[f"disclose_{name}"] = example.get(name, "")
    st.session_state.disclose_innovations = "\n".join(example["innovations"])
    st.session_state.disclose_inventors = "\n".join(
        f"{i['name']}，{i['share']:g}，{i.get('department', '')}" for i in example["inventors"]
    )
    st.session_state.disclose_type = example["achievement_type"]
    st.session_state.disclose_funding = example["funding_source"]
    st.session_state.disclose_vesting = example["vesting_requested"]
    st.session_state.disclose_publications = "\n".join(
        f"{p['kind']}，{p.get('venue', '')}，{p.get('date', '')}，{p['status']}" for p in example["publications"]
    )

with st.form("disclose_form"):
    left, right = st.columns(2)
    values = {
        "title": text_input("title", left),
        "achievement_type": left.selectbox(FIELDS["achievement_type"].label, ACHIEVEMENT_TYPES, key="disclose_type"),
        "field": text_input("field", right),
        "maturity": left.text_input(
            "成熟度（TRL1–9 或 研发中/样品/小试/中试/量产）",
            max_chars=FIELDS["maturity"].max_chars,
            key="disclose_maturity",
        ),
        "funding_source": right.selectbox(FIELDS["funding_source"].label, FUNDING_SOURCES, key="disclose_funding"),
        "project_no": text_input("project_no", left),
        "transfer_mode": text_input("transfer_mode", right),
        "confidentiality": left.selectbox(
            FIELDS["confidentiality"].label, CONFIDENTIALITY_LEVELS, index=1, key="disclose_secrecy"
        ),
        "vesting_requested": right.checkbox(FIELDS["vesting_requested"].label, key="disclose_vesting"),
        "planned_filing_date": left.text_input(
            f"{FIELDS['planned_filing_date'].label}（YYYY-MM-DD，可不填）", key="disclose_planned_filing_date"
        ),
    }
    values["inventors"] = st.text_area(form_label("inventors"), key="disclose_inventors")
    for name in LONG_FIELDS:
        values[name] = st.text_area(form_label(name), max_chars=FIELDS[name].max_chars, key=f"disclose_{name}")
    values["innovations"] = st.text_area(form_label("innovations"), key="disclose_innovations")
    values["publications"] = st.text_area(form_label("publications"), key="disclose_publications")
    submitted = st.form_submit_button("生成披露摘要", type="primary")
values["author"] = identity.researcher_id  # the draft belongs to the logged-in researcher, never to a typed id

if submitted:  # list fields go as typed: parse_form reads one item per line and names any bad line
    st.session_state.disclose_draft = None
    st.session_state.disclose_problems = []
    st.session_state.disclose_store_error = ""
    try:
        form = parse_form(values)
        drafter = DisclosureDrafter(index, llm=get_chat_model())
        with st.spinner("正在生成披露摘要…"):  # a language model, when configured, takes seconds
            draft = drafter.draft(form, identity.audience, store=False)
        st.session_state.disclose_draft = draft
        stored = drafter.store(draft)
        get_audit().record(
            identity.user_id, "draft_store", role=identity.role.value, target=stored.name, detail=form.title
        )
    except DisclosureFormError as exc:
        st.session_state.disclose_problems = exc.messages()
    except StoreError as exc:
        st.session_state.disclose_store_error = str(exc)
    except KezhuanError as exc:
        st.error(str(exc))

for problem in st.session_state.get("disclose_problems", []):
    st.error(problem)

draft = st.session_state.get("disclose_draft")
if draft is not None:
    if store_error := st.session_state.get("disclose_store_error"):
        st.error(f"{store_error}。草稿尚未保存，请先下载。")
    else:
        st.success("草稿已生成，并已作为保密文档存入知识库；可在「我的披露」中查看、下载或撤回。")
    if draft.notice:
        st.info(draft.notice)
    markdown = draft.markdown()
    name = slug(draft.form.title, fallback="披露摘要")
    left, right = st.columns(2)
    left.download_button("下载 Markdown", markdown, file_name=f"{name}.md", key="disclose_md")
    with tempfile.TemporaryDirectory() as folder:
        data = draft.save_docx(Path(folder) / "draft.docx").read_bytes()
    right.download_button("下载 Word", io.BytesIO(data), file_name=f"{name}.docx", key="disclose_docx")
    st.markdown(markdown)
