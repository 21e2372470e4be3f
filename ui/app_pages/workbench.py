"""知识库管理 (officers only): upload files, the document list, delete and re-index, 分段预览, 命中测试."""

from pathlib import Path

import streamlit as st

from assistant.errors import KezhuanError
from assistant.index.visibility import Role
from assistant.ingest.overrides import Overrides
from assistant.ingest.pipeline import LOADER_BY_SUFFIX
from assistant.query import clean_query
from assistant.records import DocType, IngestReport
from ui.identity import current_identity
from ui.markup import cite, md
from ui.resources import (
    DOC_TYPE_LABELS,
    VISIBILITY_LABELS,
    StreamlitProgress,
    audit_shown,
    ensure_index,
    get_audit,
    get_workbench,
)

st.title("科转助手 · 知识库管理")
identity = current_identity()
if identity.role is not Role.OFFICER:
    st.info("仅转化专员可用。")
    st.stop()

index = ensure_index()
bench = get_workbench()
audit = get_audit()
audience = identity.audience
user, role = identity.user_id, identity.role.value


def show_report(report: IngestReport) -> None:
    """What an ingest did, in one line, and each failed file's one-line reason."""
    if report.files_indexed:
        st.success(
            f"已索引 {report.files_indexed} 个文件：新增 {report.chunks_added} 个文本块，移除 {report.chunks_removed} 个。"
        )
    elif report.files_unchanged:
        st.info("文件没有变化，索引保持不变。")
    for error in report.errors:
        st.error(f"{Path(error.path).name}：{error.error}")


upload_tab, list_tab, test_tab = st.tabs(["上传文件", "文档列表", "命中测试"])

with upload_tab:
    kinds = sorted(s.lstrip(".") for s in LOADER_BY_SUFFIX)
    # A new key after each upload empties the uploader, so the next upload never re-sends
    # (and re-types) the files of the previous one.
    st.session_state.setdefault("bench_uploads", 0)
    files = st.file_uploader(
        f"选择文件（{' '.join(kinds)}）",
        type=kinds,
        accept_multiple_files=True,
        key=f"bench_files_{st.session_state.bench_uploads}",
    )
    left, right = st.columns(2)
    doc_type = left.selectbox(
        "文档类型", list(DOC_TYPE_LABELS), format_func=DOC_TYPE_LABELS.__getitem__, key="bench_type"
    )
    visibility = right.selectbox(
        "可见范围",
        list(VISIBILITY_LABELS),
        format_func=VISIBILITY_LABELS.__getitem__,
        key="bench_visibility",
        help="公开：所有人可见；内部、机密：仅转化专员可见（机密披露另对其提交人可见）。",
    )
    meta: dict[str, str] = {}
    if doc_type is DocType.POLICY:
        left, right = st.columns(2)
        meta["region"] = left.text_input("适用地区（选填）", key="bench_region", placeholder="例如：全国、上海").strip()
        effective = right.date_input("施行日期（选填）", value=None, key="bench_effective", format="YYYY-MM-DD")
        if effective is not None:
            meta["effective_date"] = effective.isoformat()
    if st.button("上传并索引", key="bench_upload_go", type="primary", disabled=not files):
        overrides = Overrides(doc_type, visibility, {k: v for k, v in meta.items() if v})
        saved = []
        for upload in files or []:
            try:
                saved.append(bench.save(upload.name, upload.getvalue(), overrides))
            except KezhuanError as exc:
                st.error(str(exc))
        if saved:
            try:
                report = bench.ingest(saved, progress=StreamlitProgress(f"正在索引 {len(saved)} 个文件", keep=True))
            except KezhuanError as exc:
                st.error(str(exc))
            else:
                for path in saved:
                    audit.record(
                        user,
                        "upload",
                        role=role,
                        target=path.name,
                        detail=f"{DOC_TYPE_LABELS[doc_type]}，{VISIBILITY_LABELS[visibility]}",
                    )
                show_report(report)
                st.session_state.bench_uploads += 1

with list_tab:
    if notice := st.session_state.pop("bench_notice", None):
        st.success(notice)
    catalog = bench.catalog(audience)
    st.dataframe(
        [
            {
                "文件": entry.name,
                "来源": "上传" if entry.uploaded else "知识库目录",
                "类型": "、".join(DOC_TYPE_LABELS[t] for t in entry.doc_types),
                "可见范围": "、".join(VISIBILITY_LABELS[v] for v in entry.visibilities),
                "文档数": len(entry.documents),
                "文本块": entry.chunks,
                "索引时间": f"{entry.indexed_at.astimezone():%Y-%m-%d %H:%M}" if entry.indexed_at else "",
                "错误": entry.error,
            }
            for entry in catalog
        ],
        hide_index=True,
        key="bench_table",
    )
    by_key = {entry.key: entry for entry in catalog}
    picked = st.selectbox(
        "选择文件",
        list(by_key),
        format_func=lambda k: by_key[k].name,
        key="bench_pick",
        index=None,
        placeholder="选择一个文件…",
    )
    if picked is not None:
        entry = by_key[picked]
        left, right = st.columns(2)
        if left.button(
            "重新索引",
            key="bench_reindex",
            disabled=not entry.uploaded,
            help="重新读取并切分该文件" if entry.uploaded else "内置知识库文件随其文件夹重新导入",
        ):
            try:
                report = bench.reindex(picked, progress=StreamlitProgress(f"正在重新索引 {entry.name}", keep=True))
            except KezhuanError as exc:
                st.error(str(exc))
            else:
                audit.record(user, "reindex", role=role, target=entry.name)
                show_report(report)
        sure = right.checkbox("确认删除该文件及其全部文本块", key="bench_delete_sure")
        if right.button("删除", key="bench_delete", disabled=not sure):
            try:
                removed = bench.delete(picked)
            except KezhuanError as exc:
                st.error(str(exc))
            else:
                audit.record(user, "delete", role=role, target=entry.name, detail=f"{removed} 个文本块")
                st.session_state.bench_notice = f"已删除 {entry.name}（{removed} 个文本块）。"
                st.session_state.pop("bench_pick", None)
                st.session_state.pop("bench_delete_sure", None)
                st.rerun()
        if entry.documents:
            st.subheader("分段预览")
            documents = {d.doc_id: d for d in entry.documents}
            doc_id = st.selectbox(
                "文档", list(documents), format_func=lambda d: documents[d].title or d, key="bench_doc"
            )
            chunks = index.get(doc_id, audience)
            document = documents[doc_id]
            facts = [
                DOC_TYPE_LABELS[document.doc_type],
                VISIBILITY_LABELS[document.visibility],
                f"{len(chunks)} 个文本块",
            ]
            facts += [v for v in (document.region, document.effective_date) if v]
            st.caption(" · ".join(facts))
            for number, chunk in enumerate(chunks, start=1):
                with st.expander(md(f"{number}. {chunk.locator or chunk.title}"), expanded=number == 1):
                    st.text(chunk.text)

with test_tab:
    st.caption("输入一个问题，查看检索会命中哪些文本块，以及向量、关键词两路各自的得分和融合后的得分。")
    query = st.text_input("测试问题", key="bench_query", placeholder="例如：赋权试点单位的收益分配")
    top_k = st.slider("返回条数", 1, 20, 8, key="bench_k")
    if query:
        try:
            text, warning = clean_query(query)
            if warning:
                st.warning(warning)
            hits = index.search(text, audience, top_k=top_k)
            legs = index.legs(text, audience)
        except KezhuanError as exc:
            st.error(str(exc))
            hits = []
        if not hits:
            st.info("没有命中任何文本块。")
        else:
            dense = {h.id: (rank, h.score) for rank, h in enumerate(legs.dense, start=1)}
            keyword = {h.id: (rank, h.score) for rank, h in enumerate(legs.keyword, start=1)}

            def leg(found: dict[str, tuple[int, float]], chunk_id: str) -> str:
                return f"{found[chunk_id][1]:.3f}（第{found[chunk_id][0]}）" if chunk_id in found else "—"

            st.caption(
                f"关键词覆盖率 {legs.coverage:.2f}（越高，融合时关键词一路的权重越大）；"
                "括号内为该路的名次，“—”表示该路未检索到。"
            )
            st.dataframe(
                [
                    {
                        "排名": rank,
                        "出处": cite(hit.chunk),
                        "类型": DOC_TYPE_LABELS[hit.chunk.doc_type],
                        "融合得分": round(hit.score, 4),
                        "向量得分": leg(dense, hit.id),
                        "关键词得分": leg(keyword, hit.id),
                    }
                    for rank, hit in enumerate(hits, start=1)
                ],
                hide_index=True,
                column_config={"出处": st.column_config.TextColumn(width="medium")},
                key="bench_hits",
            )
            for rank, hit in enumerate(hits, start=1):
                with st.expander(md(f"[{rank}] {cite(hit.chunk)}")):
                    st.text(hit.chunk.text)
            audit_shown(identity, (h.chunk for h in hits), where="命中测试")
