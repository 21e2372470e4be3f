"""Invention disclosure: validate the form, draft the summary, and point to next steps.

A researcher fills a 科技成果披露表 (fields after BRIEF.md §3.5). The workflow:

1. validates it (pydantic): required fields, contribution shares adding up to 100,
   dates — every problem reported once, per field;
2. drafts a 科技成果披露摘要 in the order a transfer office reads it, with a plain-language
   summary, the key innovations, the maturity and its TRL meaning, and a checklist of
   the questions the office will ask, each with its policy basis cited from the index;
3. lists similar indexed patents (a first novelty hint, not a search report) and
   suggests IPC subclasses;
4. suggests next steps: whitelisted agencies whose services fit, enterprises whose
   demands look related;
5. stores the draft as a confidential ``disclosure`` document owned by its author.

Usage example::

    form = DisclosureForm.model_validate_json(Path("form.json").read_text())
    draft = DisclosureDrafter(index).draft(form)
    print(draft.markdown())
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import GenerationError, InputError
from assistant.generate.guards import same_numbers
from assistant.generate.llm import Generated, checked_generation, complete, model_name
from assistant.generate.prompts import polish_prompt
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.tokenizer import tokenize
from assistant.index.visibility import Audience
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType, Hit
from assistant.tasks.fit import maturity_level
from assistant.tasks.ipc import IpcSuggestion, suggest_ipc

__all__ = [
    "DisclosureDraft",
    "DisclosureDrafter",
    "DisclosureForm",
    "DisclosureFormError",
    "parse_form",
    "polish_summary",
]

SHARE_TOLERANCE = 0.01
SIMILAR_PATENTS = 5
NEXT_STEP_AGENCIES = 3
NEXT_STEP_ENTERPRISES = 3
AGENCY_SERVICES = ("专利代理", "价值评估", "技术咨询", "知识产权运营")

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


class Inventor(BaseModel):
    """A contributor and their agreed share of the achievement."""

    name: str = Field(min_length=1)
    share: float = Field(gt=0, le=100, description="贡献比例（%）")
    department: str = ""


class Publication(BaseModel):
    """A paper, talk, thesis or preprint that made (or will make) the work public."""

    kind: str = Field(min_length=1, description="论文、会议报告、学位论文、预印本、展会……")
    venue: str = ""
    date: dt.date | None = None
    status: Literal["已公开", "已投稿", "计划"]


class ExistingIP(BaseModel):
    number: str = Field(min_length=1)
    status: str = ""


class DisclosureForm(BaseModel):
    """The disclosure form; field names are English, labels in ``FIELD_LABELS``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=2)
    author: str = Field(min_length=1, description="提交人（研究人员编号），草稿归其所有")
    inventors: list[Inventor] = Field(min_length=1)
    shares_agreed: bool = True
    achievement_type: Literal["专利", "软件著作权", "集成电路布图设计", "植物新品种", "生物医药新品种", "技术秘密"]
    field: str = Field(min_length=2)
    background: str = Field(min_length=10)
    prior_art_shortcomings: str = Field(min_length=5)
    problem: str = Field(min_length=5)
    solution: str = Field(min_length=20)
    innovations: list[str] = Field(min_length=1, max_length=3)
    effects: str = Field(min_length=5)
    indicators: str = ""
    embodiment_data: str = ""
    scenarios: str = Field(min_length=2)
    maturity: str
    funding_source: Literal["纵向", "横向", "自筹", "无"]
    project_no: str = ""
    publications: list[Publication] = Field(default_factory=list)
    existing_ip: list[ExistingIP] = Field(default_factory=list)
    transfer_mode: str = Field(min_length=2)
    vesting_requested: bool = False
    confidentiality: Literal["普通", "保密", "涉密"] = "保密"
    planned_filing_date: dt.date | None = None

    @field_validator("maturity")
    @classmethod
    def _known_maturity(cls, value: str) -> str:
        if maturity_level(value) is None:
            raise ValueError("请填写 TRL1–TRL9，或 研发中/样品/小试/中试/量产")
        return value

    @field_validator("innovations")
    @classmethod
    def _innovations_written(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("创新点不能为空")
        return [item.strip() for item in value]

    @model_validator(mode="after")
    def _shares_and_project(self) -> DisclosureForm:
        total = sum(i.share for i in self.inventors)
        if abs(total - 100) > SHARE_TOLERANCE:
            raise ValueError(f"inventors: 完成人贡献比例合计应为100%，现为{total:g}%")
        if self.funding_source == "纵向" and not self.project_no:
            raise ValueError("project_no: 纵向经费须填写项目编号")
        return self


FIELD_LABELS = {
    "title": "成果名称", "author": "提交人", "inventors": "完成人", "achievement_type": "成果类型", "field": "技术领域",
    "background": "背景技术", "prior_art_shortcomings": "现有技术缺陷", "problem": "要解决的问题", "solution": "技术方案",
    "innovations": "关键创新点", "effects": "有益效果", "indicators": "技术指标", "embodiment_data": "实施例/实验数据",
    "scenarios": "应用场景", "maturity": "成熟度",
    "funding_source": "经费来源", "project_no": "项目编号", "publications": "公开情况", "existing_ip": "已有知识产权",
    "transfer_mode": "拟转化方式", "confidentiality": "保密要求", "planned_filing_date": "拟申请日期",
}  # fmt: skip


class DisclosureFormError(InputError):
    """The form has problems; ``problems`` maps each field to one readable message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        listed = "；".join(f"{FIELD_LABELS.get(k, k)}（{k}）：{v}" for k, v in problems.items())
        super().__init__(f"披露表有 {len(problems)} 处问题：{listed}")


def parse_form(data: dict[str, Any] | str) -> DisclosureForm:
    """Validate a form given as a dict or JSON text.

    :raises DisclosureFormError: with one message per field in error.
    """
    try:
        if isinstance(data, str):
            return DisclosureForm.model_validate_json(data)
        return DisclosureForm.model_validate(data)
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for error in exc.errors():
            location = [str(part) for part in error["loc"]]
            message = str(error["msg"]).removeprefix("Value error, ")
            if not location and ":" in message:  # a model-level check names its field itself
                name, message = (part.strip() for part in message.split(":", 1))
            else:
                name = location[0] if location else "form"
            problems.setdefault(name, _readable(error["type"], message))
        raise DisclosureFormError(problems) from None


def _readable(kind: str, message: str) -> str:
    return {
        "missing": "必填",
        "string_too_short": "内容过短",
        "too_short": "至少需要一项",
        "too_long": "最多3项",
        "literal_error": f"取值不在可选范围内（{message.split('Input should be ', 1)[-1]}）",
        "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
        "date_parsing": "日期格式应为 YYYY-MM-DD",
        "extra_forbidden": "不是披露表的字段",
    }.get(kind, message)


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
    stored_as: str = ""
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    notice: str = ""  # why the LLM's polish was not used (empty when it was, or offline)

    def markdown(self) -> str:
        lines = [f"# 科技成果披露摘要：{self.form.title}", ""]
        for heading, blocks in self.sections:
            lines += [f"## {heading}", "", *blocks, ""]
        return "\n".join(lines).rstrip() + "\n"

    def save_docx(self, path: Path) -> Path:
        """Write the draft as a Word document with the same sections."""
        import docx

        document = docx.Document()
        document.add_heading(f"科技成果披露摘要：{self.form.title}", level=0)
        for heading, blocks in self.sections:
            document.add_heading(heading, level=1)
            for block in blocks:
                if block.startswith("- "):
                    document.add_paragraph(_plain(block[2:]), style="List Bullet")
                elif re.match(r"^\d+\. ", block):
                    document.add_paragraph(_plain(block.split(". ", 1)[1]), style="List Number")
                elif block.startswith("| ") and not set(block) <= set("|- "):
                    document.add_paragraph(_plain(" ".join(c.strip() for c in block.strip("|").split("|"))))
                elif not block.startswith("|"):
                    document.add_paragraph(_plain(block))
        document.save(str(path))
        return path


def _plain(text: str) -> str:
    return text.replace("**", "").replace("> ", "")


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
    """

    def __init__(self, index: KnowledgeIndex, *, llm: Any = None) -> None:
        self.index = index
        self.llm = llm

    def draft(self, form: DisclosureForm, audience: Audience, *, store: bool = True) -> DisclosureDraft:
        """Build the draft; with ``store``, index it as the author's confidential document.

        :param audience: whose view the draft is built from. The draft is stored for its
            author, so the caller passes the author's audience (a researcher), never a wider one.
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
            similar=self._similar(text, audience),
            ipc=suggest_ipc(self.index, text, audience),
            agencies=self._agencies(form, audience),
            enterprises=self._enterprises(text, audience),
        )
        draft.sections = _sections(draft)
        if store:
            draft.stored_as = self._store(draft)
        return draft

    # -- parts -------------------------------------------------------------------------
    def _basis(self, query: str, audience: Audience) -> Hit | None:
        hits = self.index.search(query, audience, top_k=1, doc_types=[DocType.POLICY, DocType.FAQ])
        return hits[0] if hits else None

    def _checklist(self, form: DisclosureForm, audience: Audience) -> list[ChecklistItem]:
        items: list[tuple[str, str]] = []
        public = [p for p in form.publications if p.status in ("已公开", "已投稿")]
        if public:
            kinds = "、".join(f"{p.kind}（{p.status}{'，' + p.date.isoformat() if p.date else ''}）" for p in public)
            items.append((f"申请前已有公开或投稿：{kinds}。公开在先会破坏新颖性，请尽快评估并在公开前提交申请。",
                          "论文发表或会议报告后还能申请专利吗 新颖性 宽限期"))  # fmt: skip
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

    def _store(self, draft: DisclosureDraft) -> str:
        folder = Path(self.index.data_dir) / "disclosures"
        folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", draft.form.title)[:40].strip("-")
        path = folder / f"{draft.form.author}-{slug}.md"
        front = (
            f"---\ntitle: {draft.form.title}（披露摘要）\nvisibility: confidential\nowner: {draft.form.author}\n"
            f"issuer: {draft.form.author}\n---\n"
        )
        path.write_text(front + draft.markdown(), encoding="utf-8")
        Ingestor(self.index).ingest([path], doc_type=DocType.DISCLOSURE)
        return str(path)


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


def _sections(draft: DisclosureDraft) -> list[tuple[str, list[str]]]:
    form = draft.form
    level = maturity_level(form.maturity) or 0
    inventors = "；".join(f"{i.name}（{i.department or '—'}，{i.share:g}%）" for i in form.inventors)
    basic = [
        "| 项目 | 内容 |",
        "|---|---|",
        f"| 成果类型 | {form.achievement_type} |",
        f"| 技术领域 | {form.field} |",
        f"| 完成人及贡献比例 | {inventors} |",
        f"| 经费来源 | {form.funding_source}{('（' + form.project_no + '）') if form.project_no else ''} |",
        f"| 保密要求 | {form.confidentiality} |",
    ]
    publications = [
        f"- {p.kind}：{p.venue or '—'}，{p.status}{'，' + p.date.isoformat() if p.date else ''}"
        for p in form.publications
    ]
    ip = [f"- {i.number}：{i.status or '—'}" for i in form.existing_ip]
    sections: list[tuple[str, list[str]]] = [
        ("基本信息", basic),
        ("一段话摘要", [draft.summary]),
        ("关键创新点", [f"{n}. {item}" for n, item in enumerate(form.innovations, start=1)]),
        ("背景与现有技术缺陷", [form.background, form.prior_art_shortcomings]),
        ("技术方案", [form.solution]),
        ("有益效果与技术指标", [form.effects] + ([form.indicators] if form.indicators else [])),
        ("应用场景", [form.scenarios]),
        (
            "成熟度",
            [
                f"{form.maturity}：约相当于 TRL{level}，即{TRL_MEANING.get(level, '—')}（TRL 对照为通用量表，仅供参考）。"
            ],
        ),
        ("知识产权与公开情况", (publications or ["- 尚无公开"]) + (ip or ["- 尚无已申请的知识产权"])),
        ("转化意向", [f"拟转化方式：{form.transfer_mode}；{'申请' if form.vesting_requested else '暂不申请'}赋权。"]),
        (
            "转化办将关注的问题",
            [f"- {item.issue}{_cite(item.basis)}" for item in draft.checklist] or ["- 暂未发现需要特别关注的问题。"],
        ),
        (
            "相似专利（新颖性初步提示，并非检索报告）",
            [
                f"- {s.title}（{s.doc_id}），相似度 {s.similarity:.2f}，共同术语：{'、'.join(s.shared_terms) or '—'}"
                for s in draft.similar
            ]
            or ["- 索引中没有可比较的专利。"],
        ),
        (
            "IPC 分类建议（供代理人参考）",
            [f"- {s.code}：置信度 {s.confidence:.0%}，依据 {'、'.join(s.evidence) or '关键词'}" for s in draft.ipc]
            or ["- 暂无建议。"],
        ),
        (
            "下一步建议",
            [f"- 白名单服务机构：{h.chunk.title}（{h.chunk.meta.get('services', '')}）" for h in draft.agencies]
            + [
                f"- 可能感兴趣的企业需求：{h.chunk.title}（{h.chunk.meta.get('enterprise', '')}，{h.chunk.doc_id}）"
                for h in draft.enterprises
            ]
            or ["- 暂无建议。"],
        ),
    ]
    return sections
