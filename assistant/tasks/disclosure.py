"""Invention disclosure: validate the form, draft the summary, and point to next steps.

A researcher fills a 科技成果披露表 (fields after BRIEF.md §3.5). The workflow:

1. validates it (:mod:`~assistant.tasks.disclosure_form`): required fields, length limits,
   contribution shares adding up to 100, dates — every problem reported per field, in Chinese;
2. drafts a 科技成果披露摘要 in the order a transfer office reads it, with a plain-language
   summary, the key innovations, the maturity and its TRL meaning, and a checklist of
   the questions the office will ask, each with its policy basis cited from the index;
3. works out the disclosure timeline from the publication list and the planned filing date
   (:mod:`~assistant.tasks.timeline`): earliest public disclosure, whether a grace-period case
   could apply and its last day, papers not yet public, a planned date already past;
4. lists similar indexed patents (a first novelty hint, not a search report) and
   suggests IPC subclasses;
5. suggests next steps: whitelisted agencies whose services fit, enterprises whose
   demands look related;
6. stores the draft as a confidential ``disclosure`` document owned by its author: a
   Markdown file under ``<data dir>/disclosures/`` (folder 0700, file 0600) whose name is
   built from slugs, with front matter written by a YAML library, then indexed. A draft
   that is not indexed raises :class:`~assistant.errors.StoreError`: it is never reported
   as stored.
6. lets its author list their stored drafts (:meth:`DisclosureDrafter.drafts`), read one
   again and withdraw it (file deleted, chunks removed from the index). Ownership is checked
   through the index with the caller's audience, so nobody else reaches a draft this way.

The draft is a neutral :class:`~assistant.report.document.Document`; the Markdown and
Word writers of :mod:`assistant.report` write it.

Usage example::

    form = parse_form(Path("examples/disclosure-form.json").read_text(encoding="utf-8"))
    draft = DisclosureDrafter(index).draft(form, Audience(Role.RESEARCHER, form.author))
    print(draft.markdown())
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from assistant.errors import GenerationError, InputError, KezhuanError, StoreError
from assistant.generate.guards import same_numbers
from assistant.generate.llm import Generated, checked_generation, complete, model_name
from assistant.generate.prompts import polish_prompt
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.tokenizer import tokenize
from assistant.index.visibility import Audience
from assistant.ingest.store import remove_file, store_file
from assistant.records import DocType, Hit, Visibility
from assistant.report.document import Block, BulletList, Document, Paragraph, Section, Table
from assistant.report.docx import write_docx
from assistant.report.markdown import to_markdown
from assistant.report.slug import slug
from assistant.tasks.disclosure_form import DisclosureForm
from assistant.tasks.fit import maturity_level
from assistant.tasks.ipc import IpcSuggestion, suggest_ipc
from assistant.tasks.rules import load_rules
from assistant.tasks.timeline import Timeline, build_timeline

__all__ = ["DisclosureDraft", "DisclosureDrafter", "StoredDraft", "polish_summary"]

SIMILAR_PATENTS = 5
NEXT_STEP_AGENCIES = 3
NEXT_STEP_ENTERPRISES = 3
AGENCY_SERVICES = ("专利代理", "价值评估", "技术咨询", "知识产权运营")
DRAFTS_FOLDER = "disclosures"  # under the data dir
STORE_WAIT_SECONDS = 60  # a draft waits for a running ingest instead of failing
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n+", re.DOTALL)  # as written by report.markdown
PRIVATE_FOLDER = 0o700  # drafts are unpublished inventions: only the service account reads them (files 0600)

# General TRL scale (NASA/GAO, as summarised in BRIEF.md §4.5), in plain words.
TRL_MEANING = {
    1: "基本原理已被观察和报告",
    2: "形成了技术概念或应用设想",
    3: "关键功能经分析和实验验证（概念验证）",
    4: "实验室环境下完成部件或原理样机验证",
    5: "在接近真实的环境中完成部件验证",
    6: "在相关环境中完成系统或原型演示（中试规模）",
    7: "在实际运行环境中完成原型演示",
    8: "实际系统完成并通过试验鉴定",
    9: "实际系统经过成功运行验证",
}


@dataclass(frozen=True)
class ChecklistItem:
    """A question the transfer office will ask, and where the rule is written."""

    issue: str
    basis: Hit | None


@dataclass(frozen=True)
class SimilarPatent:
    doc_id: str
    title: str
    similarity: float
    shared_terms: tuple[str, ...]


@dataclass(frozen=True)
class StoredDraft:
    """A draft its author stored: how it is listed under 我的披露."""

    doc_id: str
    title: str
    submitted: str  # when it was stored, "YYYY-MM-DD HH:MM" (UTC)


@dataclass
class DisclosureDraft:
    """The drafted summary and everything found for it."""

    form: DisclosureForm
    summary: str
    checklist: list[ChecklistItem]
    similar: list[SimilarPatent]
    ipc: list[IpcSuggestion]
    agencies: list[Hit]
    enterprises: list[Hit]
    timeline: Timeline | None = None
    stored_as: str = ""
    notice: str = ""  # why the LLM's polish was not used (empty when it was, or offline)

    @property
    def document(self) -> Document:
        """The draft in reading order, for the Markdown and Word writers."""
        return Document(f"科技成果披露摘要：{self.form.title}", _sections(self))

    def markdown(self) -> str:
        return to_markdown(self.document)

    def save_docx(self, path: Path) -> Path:
        """Write the draft as a Word document with the same sections."""
        return write_docx(self.document, path)

    def front_matter(self) -> dict[str, str]:
        """What the index reads from the stored file: the draft is confidential to its author."""
        return {
            "title": f"{self.form.title}（披露摘要）",
            "visibility": Visibility.CONFIDENTIAL.value,
            "owner": self.form.author,
            "issuer": self.form.author,
            "submitted": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        }

    def file_name(self) -> str:
        """The stored file's name, ``<author>-<title>-<hash>.md``, made of slugs only.

        No input can name a folder or a parent; the hash of author and title keeps two drafts
        apart when their slugs coincide (``r.zhang`` and ``r-zhang``).
        """
        digest = hashlib.sha256(f"{self.form.author}\n{self.form.title}".encode()).hexdigest()[:8]
        return f"{slug(self.form.author, fallback='author')}-{slug(self.form.title, fallback='draft')}-{digest}.md"


POLISHED_MAX_RATIO = 1.5  # the polish prompt's length limit, checked


def polish_summary(summary: str, model: Any) -> Generated:
    """The summary reworded by the LLM, or unchanged with a notice if the model fails or alters a number.

    Only prose is polished: the facts and lists of the draft never pass through the model.
    """
    from langchain_core.messages import HumanMessage

    def check(text: str) -> str:
        if not same_numbers(text, summary):
            raise GenerationError("大模型润色后的摘要改动了数字")
        if len(text) > POLISHED_MAX_RATIO * len(summary):
            raise GenerationError("大模型润色后的摘要过长")
        return text

    return checked_generation(
        lambda: complete(model, [HumanMessage(polish_prompt(summary))]),
        check,
        Generated(summary, "离线模板"),
        by=model_name(model),
    )


class DisclosureDrafter:
    """Drafts disclosure summaries against one index.

    :param index: where policies, patents, agencies and demands are found, and where
        the draft is stored.
    :param llm: a chat model that polishes the summary paragraph (``None``: offline).
    :param today: the day the timeline is computed for (``None``: the current date).
    """

    def __init__(self, index: KnowledgeIndex, *, llm: Any = None, today: date | None = None) -> None:
        self.index = index
        self.llm = llm
        self.today = today

    def draft(self, form: DisclosureForm, audience: Audience, *, store: bool = True) -> DisclosureDraft:
        """Build the draft; with ``store``, index it as the author's confidential document.

        :param audience: whose view the draft is built from. The draft is stored for its
            author, so the caller passes the author's audience (a researcher), never a wider one.
        :raises StoreError: ``store`` was asked and the draft could not be written or indexed.
        """
        text = f"{form.title}。{form.problem}。{form.solution}"
        summary = (
            polish_summary(_summary(form), self.llm) if self.llm is not None else Generated(_summary(form), "离线模板")
        )
        draft = DisclosureDraft(
            form=form,
            summary=summary.text,
            notice=summary.notice,
            checklist=self._checklist(form, audience),
            timeline=build_timeline(
                load_rules(self.index, audience),
                form.publications,
                form.planned_filing_date,
                today=self.today or date.today(),
            ),
            similar=self._similar(text, audience),
            ipc=suggest_ipc(self.index, text, audience),
            agencies=self._agencies(form, audience),
            enterprises=self._enterprises(text, audience),
        )
        if store:
            draft.stored_as = str(self.store(draft))
        return draft

    # -- parts -------------------------------------------------------------------------
    def _basis(self, query: str, audience: Audience) -> Hit | None:
        hits = self.index.search(query, audience, top_k=1, doc_types=[DocType.POLICY, DocType.FAQ])
        return hits[0] if hits else None

    def _checklist(self, form: DisclosureForm, audience: Audience) -> list[ChecklistItem]:
        items: list[tuple[str, str]] = []  # publications and filing dates: the timeline section
        if form.funding_source == "纵向":
            items.append((f"经费来自纵向项目（{form.project_no}）：须按项目管理要求报告实施情况，长期不实施可能由国家无偿实施。",
                          "财政资金项目形成的知识产权 未实施 国家无偿实施"))  # fmt: skip
        if form.funding_source == "横向":
            items.append(
                ("经费来自横向委托：先核对委托合同对成果归属和收益的约定。", "技术开发合同 成果归属 约定 合作转化")
            )
        if not form.shares_agreed:
            items.append(
                ("完成人贡献比例尚未一致同意：建议签署书面分配协议后再提交。", "奖励分配 主要贡献人员 份额 约定")
            )
        if not form.embodiment_data.strip():
            items.append(
                ("缺少实施例或实验数据：专利申请需要至少一个可实施的实施例。", "披露表 实施例 实验数据 应包含哪些内容")
            )
        if form.vesting_requested:
            items.append(
                (
                    "申请赋权：需与单位签订赋权协议，约定权属比例、收益分配和费用分担。",
                    "赋权 所有权 长期使用权 协议 约定",
                )
            )
        if form.confidentiality == "涉密":
            items.append(
                ("标注为涉密：涉及国家秘密的成果转化须先履行审批。", "涉及国家秘密 国家安全 审批 科技成果转化")
            )
        return [ChecklistItem(issue, self._basis(query, audience)) for issue, query in items]

    def _similar(self, text: str, audience: Audience) -> list[SimilarPatent]:
        terms = set(tokenize(text))
        similar = []
        for hit in self.index.neighbours(text, audience, k=SIMILAR_PATENTS, doc_types=[DocType.PATENT]):
            shared = sorted(
                {t for t in terms & set(tokenize(hit.chunk.index_text)) if len(t) >= 2}, key=len, reverse=True
            )
            similar.append(SimilarPatent(hit.chunk.doc_id, hit.chunk.title, hit.score, tuple(shared[:5])))
        return similar

    def _agencies(self, form: DisclosureForm, audience: Audience) -> list[Hit]:
        """Whitelisted agencies whose services (agency, valuation …) and fields fit."""
        query = f"{form.field} 专利代理 专利申请前评估 价值评估"
        hits = self.index.search(query, audience, top_k=30, doc_types=[DocType.AGENCY])
        fitting = [
            h
            for h in hits
            if h.chunk.meta.get("whitelisted") is True
            and any(s in str(h.chunk.meta.get("services", "")) for s in AGENCY_SERVICES)
        ]
        return fitting[:NEXT_STEP_AGENCIES]

    def _enterprises(self, text: str, audience: Audience) -> list[Hit]:
        return self.index.search(text, audience, top_k=NEXT_STEP_ENTERPRISES, doc_types=[DocType.DEMAND])

    def store(self, draft: DisclosureDraft) -> Path:
        """Write the draft under the data dir and index it; returns the file.

        On failure the folder is left as it was (a previous draft of the same name restored).

        :raises StoreError: the file cannot be written, or ingest did not index it.
        """
        folder = Path(self.index.data_dir) / DRAFTS_FOLDER
        path = folder / draft.file_name()
        text = to_markdown(draft.document, front_matter=draft.front_matter())
        try:
            folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
            folder.chmod(PRIVATE_FOLDER)
            previous = path.read_text(encoding="utf-8") if path.exists() else None
            _write_private(path, text)
        except OSError as exc:
            raise StoreError(f"草稿未能存入知识库：无法写入草稿文件夹（{exc.strerror or exc}）") from None
        try:
            store_file(self.index, path, DocType.DISCLOSURE, wait=STORE_WAIT_SECONDS)
        except KezhuanError as exc:
            _restore(path, previous)
            raise StoreError(f"草稿未能存入知识库：{exc}") from exc
        return path

    def drafts(self, audience: Audience) -> list[StoredDraft]:
        """The drafts ``audience``'s researcher stored through this workflow, newest first."""
        if not audience.user:
            return []
        found: dict[str, StoredDraft] = {}
        for chunk in self.index.records(DocType.DISCLOSURE, audience):
            submitted = chunk.meta.get("submitted")
            if str(chunk.meta.get("owner", "")) == audience.user and submitted:
                found[chunk.doc_id] = StoredDraft(chunk.doc_id, chunk.title, str(submitted))
        return sorted(found.values(), key=lambda d: (d.submitted, d.doc_id), reverse=True)

    def read(self, doc_id: str, audience: Audience) -> str:
        """The stored draft's Markdown (without the front matter the index reads), for its author to download again.

        :raises InputError: no such draft of this author (whether it exists for someone else is not said).
        :raises StoreError: the file cannot be read.
        """
        path = self._own_draft(doc_id, audience)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise StoreError(f"草稿无法读取（{exc.strerror or exc}）") from None
        return FRONT_MATTER.sub("", text, count=1)

    def withdraw(self, doc_id: str, audience: Audience) -> None:
        """Delete the author's stored draft and take it out of the index.

        :raises InputError: no such draft of this author.
        :raises StoreError: the file or the index could not be changed.
        """
        remove_file(self.index, self._own_draft(doc_id, audience), wait=STORE_WAIT_SECONDS)

    def _own_draft(self, doc_id: str, audience: Audience) -> Path:
        """The file of a draft ``audience`` owns; the index decides, with the caller's audience."""
        chunks = self.index.get(doc_id, audience, DocType.DISCLOSURE) if audience.user else []
        owned = any(str(c.meta.get("owner", "")) == audience.user and c.meta.get("submitted") for c in chunks)
        if not owned or Path(doc_id).name != doc_id:
            raise InputError("没有找到这份草稿（可能已撤回）")
        return Path(self.index.data_dir) / DRAFTS_FOLDER / doc_id


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` atomically with ``text``, readable by its owner only (0600)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".draft-", suffix=".tmp")  # always 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _restore(path: Path, previous: str | None) -> None:
    """Undo a store that failed: the earlier draft back, or no file at all."""
    if previous is None:
        path.unlink(missing_ok=True)
    else:
        _write_private(path, previous)


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[。；！？])", text.strip())[0].rstrip("。；！？")


def _summary(form: DisclosureForm) -> str:
    """One plain paragraph a non-specialist can read, assembled from the form's own words."""
    return (
        f"本成果属于{form.field}领域，针对“{_first_sentence(form.problem)}”这一问题，"
        f"提出{_first_sentence(form.solution)}。{_first_sentence(form.effects)}，"
        f"可用于{_first_sentence(form.scenarios)}。目前处于{form.maturity}阶段，拟以{form.transfer_mode}方式转化。"
    )


def _cite(hit: Hit | None) -> str:
    return f"（依据：《{hit.chunk.title}》{hit.chunk.locator}）" if hit else "（知识库中未找到依据，请咨询转化办）"


def _timeline(timeline: Timeline | None) -> BulletList:
    """The timeline's checklist, each item with the articles it rests on."""
    if timeline is None:
        return BulletList(("未计算时间线。",))
    lines = [f"{item.text}（依据：{item.basis}）" if item.basis else item.text for item in timeline.items]
    return BulletList(tuple(lines or ["暂无需要关注的时间节点。"]))


def _bullets(items: list[str], empty: str) -> BulletList:
    return BulletList(tuple(items or [empty]))


def _sections(draft: DisclosureDraft) -> tuple[Section, ...]:
    form = draft.form
    level = maturity_level(form.maturity) or 0
    inventors = "；".join(f"{i.name}（{i.department or '—'}，{i.share:g}%）" for i in form.inventors)
    basic = Table(
        ("项目", "内容"),
        [
            ("成果类型", form.achievement_type),
            ("技术领域", form.field),
            ("完成人及贡献比例", inventors),
            ("经费来源", f"{form.funding_source}{('（' + form.project_no + '）') if form.project_no else ''}"),
            ("保密要求", form.confidentiality),
        ],
        widths=(0.25, 0.75),
    )
    publications = [
        f"{p.kind}：{p.venue or '—'}，{p.status}{'，' + p.date.isoformat() if p.date else ''}"
        for p in form.publications
    ]
    ip = [f"{i.number}：{i.status or '—'}" for i in form.existing_ip]
    maturity = (
        f"{form.maturity}：约相当于 TRL{level}，即{TRL_MEANING.get(level, '—')}（TRL 对照为通用量表，仅供参考）。"
    )
    next_steps = [f"白名单服务机构：{h.chunk.title}（{h.chunk.meta.get('services', '')}）" for h in draft.agencies] + [
        f"可能感兴趣的企业需求：{h.chunk.title}（{h.chunk.meta.get('enterprise', '')}，{h.chunk.doc_id}）"
        for h in draft.enterprises
    ]
    sections: list[tuple[str, list[Block]]] = [
        ("基本信息", [basic]),
        ("一段话摘要", [Paragraph(draft.summary)]),
        ("关键创新点", [BulletList(tuple(form.innovations), numbered=True)]),
        ("背景与现有技术缺陷", [Paragraph(form.background), Paragraph(form.prior_art_shortcomings)]),
        ("技术方案", [Paragraph(form.solution)]),
        ("有益效果与技术指标", [Paragraph(text) for text in (form.effects, form.indicators) if text]),
        ("应用场景", [Paragraph(form.scenarios)]),
        ("成熟度", [Paragraph(maturity)]),
        (
            "知识产权与公开情况",
            [BulletList(tuple((publications or ["尚无公开"]) + (ip or ["尚无已申请的知识产权"])))],
        ),
        ("公开与申请时间线", [_timeline(draft.timeline)]),
        (
            "转化意向",
            [Paragraph(f"拟转化方式：{form.transfer_mode}；{'申请' if form.vesting_requested else '暂不申请'}赋权。")],
        ),
        (
            "转化办将关注的问题",
            [
                _bullets(
                    [f"{item.issue}{_cite(item.basis)}" for item in draft.checklist], "暂未发现需要特别关注的问题。"
                )
            ],
        ),
        (
            "相似专利（新颖性初步提示，并非检索报告）",
            [
                _bullets(
                    [
                        f"{s.title}（{s.doc_id}），相似度 {s.similarity:.2f}，共同术语：{'、'.join(s.shared_terms) or '—'}"
                        for s in draft.similar
                    ],
                    "索引中没有可比较的专利。",
                )
            ],
        ),
        (
            "IPC 分类建议（供代理人参考）",
            [
                _bullets(
                    [
                        f"{s.code}：置信度 {s.confidence:.0%}，依据 {'、'.join(s.evidence) or '关键词'}"
                        for s in draft.ipc
                    ],
                    "暂无建议。",
                )
            ],
        ),
        ("下一步建议", [_bullets(next_steps, "暂无建议。")]),
    ]
    return tuple(Section(heading, tuple(blocks)) for heading, blocks in sections)
