"""Record schemas for tabular sources: which column is which field.

Exports from patent databases, agency lists and demand platforms name their columns in
Chinese or English; each field below accepts every name we know (knowledge/README.md
documents them). Rows are untrusted input, so they go through pydantic: scores must be
numbers, flags must be yes/no. Columns we do not know are kept as metadata.

Usage example::

    from assistant.ingest.schema import rows_to_documents
    docs = rows_to_documents([{"申请号": "CN1", "名称": "一种隔膜", "摘要": "本发明…"}],
                             source="patents/p.csv", doc_type=None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import InvalidValueError, UnknownColumnsError
from assistant.records import DocType, MetaValue, SourceDocument, Visibility
from assistant.validation import expectation

__all__ = [
    "SCHEMAS",
    "AgencyRecord",
    "DemandRecord",
    "GenericRecord",
    "PatentRecord",
    "RecordSchema",
    "RuleRecord",
    "rows_to_documents",
]

YES = {"是", "yes", "y", "true", "1", "√", "✓", "白名单"}
NO = {"否", "no", "n", "false", "0", "", "×"}


def _names(*names: str) -> AliasChoices:
    return AliasChoices(*names)


def _blank_is_missing(value: Any) -> Any:
    """An empty spreadsheet cell is a missing number, not an invalid one."""
    return None if isinstance(value, str) and not value.strip() else value


# A whitelist criterion's score (0–100) or an assessment year; blank cells are missing.
Score = Annotated[Annotated[float, Field(ge=0, le=100)] | None, BeforeValidator(_blank_is_missing)]
Year = Annotated[int | None, BeforeValidator(_blank_is_missing)]


def _normalise_header(header: str) -> str:
    """Trim a header and drop a stray BOM so ``\ufeff申请号`` still maps."""
    return header.replace("\ufeff", "").strip()


class RecordSchema(BaseModel):
    """Common behaviour of record schemas; subclasses declare fields and text layout."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, str_strip_whitespace=True)

    id: str | None = None
    title: str = ""
    visibility: Visibility | None = Field(default=None, validation_alias=_names("visibility", "可见性"))

    doc_type: ClassVar[DocType]
    # Fields whose presence makes a row a searchable document.
    text_fields: ClassVar[tuple[str, ...]]
    # (label, field) pairs rendered into the chunk text, in reading order.
    body_layout: ClassVar[tuple[tuple[str, str], ...]]
    # Fields put into the indexed context (ids, codes) but not into the quoted text.
    context_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def known_headers(cls) -> set[str]:
        headers: set[str] = set()
        for name, info in cls.model_fields.items():
            alias = info.validation_alias
            if isinstance(alias, AliasChoices):
                headers.update(str(choice) for choice in alias.choices)
            headers.add(name)
        return headers

    def text(self) -> str:
        lines = []
        for label, name in self.body_layout:
            value = getattr(self, name, "")
            if value:
                lines.append(f"{label}：{value}" if label else str(value))
        return "\n".join(lines)

    def context(self) -> str:
        return " ".join(str(getattr(self, name)) for name in self.context_fields if getattr(self, name, ""))

    def locator(self) -> str:
        """Where the row's content is written in its source; "" means the row number."""
        return ""

    def meta(self) -> dict[str, MetaValue]:
        """Every field except the ones that become chunk attributes, as flat scalars."""
        values: dict[str, MetaValue] = {}
        skip = {"id", "title", "visibility"}
        for name, value in {**self.model_dump(), **(self.model_extra or {})}.items():
            if name in skip or value is None or value == "":
                continue
            values[_normalise_header(str(name))] = value if isinstance(value, int | float | bool) else str(value)
        return values


class PatentRecord(RecordSchema):
    """A patent or achievement, as exported by patent databases."""

    doc_type = DocType.PATENT
    text_fields = ("title", "abstract")
    body_layout = (("", "title"), ("", "abstract"))
    context_fields = ("id", "applicant", "ipc", "industry")

    id: str | None = Field(
        default=None,
        validation_alias=_names(
            "申请号", "公开号", "专利号", "公开（公告）号", "application_no", "publication_number", "patent_no", "id"
        ),
    )
    title: str = Field(default="", validation_alias=_names("名称", "标题", "专利名称", "发明名称", "title"))
    abstract: str = Field(default="", validation_alias=_names("摘要", "abstract"))
    applicant: str = Field(
        default="", validation_alias=_names("申请人", "专利权人", "申请（专利权）人", "applicant", "assignee")
    )
    inventors: str = Field(default="", validation_alias=_names("发明人", "inventors", "inventor"))
    ipc: str = Field(default="", validation_alias=_names("IPC分类号", "IPC", "主分类号", "ipc", "ipc_subclasses"))
    filing_date: str = Field(default="", validation_alias=_names("申请日", "filing_date", "application_date"))
    legal_status: str = Field(default="", validation_alias=_names("法律状态", "legal_status"))
    maturity: str = Field(default="", validation_alias=_names("成熟度", "maturity"))
    cooperation_mode: str = Field(default="", validation_alias=_names("合作方式", "cooperation_mode"))
    asking_price: str = Field(default="", validation_alias=_names("意向价格", "asking_price", "price"))
    industry: str = Field(default="", validation_alias=_names("所属产业", "industry"))
    sample: bool = Field(default=False, validation_alias=_names("样例数据", "sample"))


class DemandRecord(RecordSchema):
    """An enterprise's technology demand (需求)."""

    doc_type = DocType.DEMAND
    text_fields = ("title", "problem")
    body_layout = (("", "title"), ("", "problem"), ("技术指标", "indicators"))
    context_fields = ("id", "enterprise", "industry", "region")

    id: str | None = Field(default=None, validation_alias=_names("需求编号", "demand_id", "id"))
    title: str = Field(default="", validation_alias=_names("需求名称", "标题", "title"))
    enterprise: str = Field(default="", validation_alias=_names("企业名称", "需求方", "enterprise"))
    industry: str = Field(default="", validation_alias=_names("所属行业", "行业", "industry"))
    problem: str = Field(default="", validation_alias=_names("问题描述", "需求描述", "problem", "description"))
    indicators: str = Field(default="", validation_alias=_names("技术指标", "indicators"))
    cooperation_mode: str = Field(default="", validation_alias=_names("合作方式", "cooperation_mode"))
    budget: str = Field(default="", validation_alias=_names("预算区间", "预算", "budget"))
    required_maturity: str = Field(default="", validation_alias=_names("期望成熟度", "required_maturity"))
    deadline: str = Field(default="", validation_alias=_names("截止日期", "deadline"))
    region: str = Field(default="", validation_alias=_names("所在地区", "地区", "region"))
    sample: bool = Field(default=False, validation_alias=_names("样例数据", "sample"))


class AgencyRecord(RecordSchema):
    """A technology-transfer service agency and its six whitelist criteria."""

    doc_type = DocType.AGENCY
    text_fields = ("title", "description")
    body_layout = (("", "title"), ("", "description"), ("服务类型", "services"), ("服务领域", "fields"))
    context_fields = ("id", "region")

    id: str | None = Field(default=None, validation_alias=_names("机构编号", "agency_id", "id"))
    title: str = Field(default="", validation_alias=_names("机构名称", "名称", "name", "title"))
    description: str = Field(default="", validation_alias=_names("机构简介", "简介", "description"))
    whitelisted: bool = Field(default=False, validation_alias=_names("是否白名单", "白名单", "whitelisted"))
    services: str = Field(default="", validation_alias=_names("服务类型", "services"))
    fields: str = Field(default="", validation_alias=_names("服务领域", "fields"))
    region: str = Field(default="", validation_alias=_names("所在地区", "地区", "region"))
    voucher_eligible: bool = Field(default=False, validation_alias=_names("创新券可用", "voucher_eligible"))
    # The six whitelist criteria (their labels and weights: assistant.domain.CRITERIA).
    service_frequency: Score = Field(default=None, validation_alias=_names("服务频率", "service_frequency"))
    capability: Score = Field(default=None, validation_alias=_names("服务能力", "capability"))
    quality: Score = Field(default=None, validation_alias=_names("服务质量", "quality"))
    internal_control: Score = Field(default=None, validation_alias=_names("内控体系", "internal_control"))
    performance_record: Score = Field(default=None, validation_alias=_names("履约记录", "performance_record"))
    integrity_record: Score = Field(default=None, validation_alias=_names("诚信记录", "integrity_record"))
    assessment_year: Year = Field(default=None, validation_alias=_names("评估年度", "assessment_year"))
    contact: str = Field(default="", validation_alias=_names("联系人", "contact"))
    phone: str = Field(default="", validation_alias=_names("联系电话", "电话", "phone"))
    email: str = Field(default="", validation_alias=_names("电子邮箱", "邮箱", "email"))
    sample: bool = Field(default=False, validation_alias=_names("样例数据", "sample"))


class GenericRecord(RecordSchema):
    """Rows of any other table (policies or FAQ kept in a spreadsheet)."""

    doc_type = DocType.POLICY
    text_fields = ("title", "content")
    body_layout = (("", "title"), ("", "content"))

    id: str | None = Field(default=None, validation_alias=_names("编号", "id"))
    title: str = Field(default="", validation_alias=_names("标题", "名称", "问题", "title", "question"))
    content: str = Field(
        default="", validation_alias=_names("内容", "正文", "答案", "摘要", "content", "text", "answer", "abstract")
    )


class RuleRecord(RecordSchema):
    """A computable rule (knowledge/rules/*.csv): one quantity of one law article, in our own words.

    Indexed as policy text (so answers cite it like any guide) and parsed into
    :class:`assistant.domain.Rule` by the calculators. ``region``, ``level`` and
    ``effective_date`` are the metadata keys every policy chunk uses.
    """

    doc_type = DocType.POLICY
    text_fields = ("statement",)
    body_layout = (("", "statement"),)
    context_fields = ("id", "region", "mode", "quantity", "law", "article")

    id: str | None = Field(default=None, validation_alias=_names("规则编号", "rule_id"))
    region: str = Field(validation_alias=_names("地区", "region"))
    level: str = Field(default="", validation_alias=_names("层级", "level"))
    institution: str = Field(validation_alias=_names("适用单位", "institution"))
    mode: str = Field(default="", validation_alias=_names("转化方式", "mode"))
    quantity: str = Field(validation_alias=_names("事项", "quantity"))
    value: str = Field(default="", validation_alias=_names("数值", "value"))
    unit: str = Field(default="", validation_alias=_names("单位", "unit"))
    years: str = Field(default="", validation_alias=_names("年限", "years"))
    force: str = Field(default="", validation_alias=_names("约束", "force"))
    deductions: str = Field(default="", validation_alias=_names("扣除项", "deductions"))
    effective_date: str = Field(default="", validation_alias=_names("生效日期", "effective_date"))
    law: str = Field(validation_alias=_names("法规", "law"))
    article: str = Field(validation_alias=_names("条款", "article"))
    statement: str = Field(default="", validation_alias=_names("说明", "statement"))

    @model_validator(mode="after")
    def _cited_title(self) -> RuleRecord:
        """A rule is cited as the rule base's summary of its law: 《规则库：…》第X条."""
        if not self.title:
            self.title = f"规则库：{self.law}"
        return self

    def locator(self) -> str:
        return self.article

    def meta(self) -> dict[str, MetaValue]:
        """The rule's fields; the statement itself is the chunk text, not metadata."""
        return {k: v for k, v in super().meta().items() if k != "statement"}


def _parse_flag(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in YES:
            return True
        if lowered in NO:
            return False
    return value


SCHEMAS: dict[DocType, type[RecordSchema]] = {
    DocType.PATENT: PatentRecord,
    DocType.DEMAND: DemandRecord,
    DocType.AGENCY: AgencyRecord,
}


# A policy table is a rule table when it has a rule id column (规则编号), else generic text rows.
RULE_ID_HEADERS = {"规则编号", "rule_id"}


def _schema_for(doc_type: DocType | None, headers: set[str]) -> type[RecordSchema]:
    """The schema of ``doc_type``, or the one whose text columns the headers name."""
    if headers & RULE_ID_HEADERS and doc_type in (None, DocType.POLICY):
        return RuleRecord
    if doc_type is not None:
        return SCHEMAS.get(doc_type, GenericRecord)
    best: type[RecordSchema] = GenericRecord
    best_overlap = 0
    for schema in SCHEMAS.values():
        overlap = len(headers & schema.known_headers())
        if _text_headers(schema, headers) and overlap > best_overlap:
            best, best_overlap = schema, overlap
    return best


def _text_headers(schema: type[RecordSchema], headers: set[str]) -> set[str]:
    found: set[str] = set()
    for name in schema.text_fields:
        alias = schema.model_fields[name].validation_alias
        choices = {str(c) for c in alias.choices} if isinstance(alias, AliasChoices) else {name}
        found |= headers & choices
    return found


_BOOL_FIELDS = {"sample", "whitelisted", "voucher_eligible"}
_SPACES = re.compile(r"\s+")


def rows_to_documents(
    rows: Iterable[Mapping[str, Any]],
    *,
    source: str,
    doc_type: DocType | None,
    id_prefix: str | None = None,
) -> list[SourceDocument]:
    """Turn table rows into one record document each.

    :param rows: dicts keyed by column header (as read from CSV, XLSX or JSONL).
    :param source: the file, for messages and the ``source`` metadata.
    :param doc_type: the type from ``--type`` or the folder; ``None`` infers it from headers.
    :param id_prefix: prefix for ``doc_id`` of rows without an id column (defaults to ``source``).
    :returns: one :class:`SourceDocument` per non-empty row.
    :raises UnknownColumnsError: no column of the table can serve as text.
    :raises InvalidValueError: a cell holds a value its column cannot take (a score that is not a number …).
    """
    rows = [{_normalise_header(str(k)): v for k, v in row.items() if k is not None} for row in rows]
    headers = set().union(*(row.keys() for row in rows)) if rows else set()
    schema = _schema_for(doc_type, headers)
    if rows and not _text_headers(schema, headers):
        expected = "、".join(sorted(_text_headers(schema, schema.known_headers())))
        found = "、".join(sorted(headers)) or "（无）"
        raise UnknownColumnsError(source, f"没有可识别的文本列（找到的列：{found}；需要其中之一：{expected}）")

    documents = []
    for number, row in enumerate(rows, start=1):
        cleaned = {k: (_parse_flag(v) if k in _bool_headers(schema) else _clean(v)) for k, v in row.items()}
        try:
            record = schema.model_validate(cleaned)
        except ValidationError as exc:
            raise _invalid_value(exc, source, number) from None
        body = record.text()
        if not body.strip():
            continue
        doc_id = record.id or f"{id_prefix or source}#{number}"
        documents.append(
            SourceDocument(
                doc_id=doc_id,
                doc_type=doc_type or schema.doc_type,
                title=record.title or doc_id,
                text=body,
                source=source,
                visibility=record.visibility,
                is_record=True,
                locator=record.locator() or f"第{number}行",
                context=record.context(),
                meta=record.meta(),
            )
        )
    return documents


CELL_CHARS_SHOWN = 30  # enough to recognise the cell; a pasted paragraph would drown the message


def _invalid_value(exc: ValidationError, source: str, row: int) -> InvalidValueError:
    """The first bad cell of a row, named by its header and explained in Chinese."""
    problem = exc.errors()[0]
    column = str(problem["loc"][0]) if problem["loc"] else "?"
    value = str(problem.get("input", ""))[:CELL_CHARS_SHOWN]
    return InvalidValueError(source, row=row, column=column, message=f"值“{value}”{expectation(problem)}")


def _bool_headers(schema: type[RecordSchema]) -> set[str]:
    headers: set[str] = set()
    for name in _BOOL_FIELDS & set(schema.model_fields):
        alias = schema.model_fields[name].validation_alias
        if isinstance(alias, AliasChoices):
            headers.update(str(c) for c in alias.choices)
    return headers


def _clean(value: Any) -> Any:
    """Spreadsheet cells arrive as str, int, float, datetime or None; keep text tidy."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return _SPACES.sub(" ", str(value)).strip() if "\n" not in str(value) else str(value).strip()
