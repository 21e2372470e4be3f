"""The 科技成果披露表: its fields and limits, what Chinese users type, one Chinese message per problem.

Each field's label and length limits live once, in :data:`FIELDS`; the model, the page's
labels and every message read them from there. The form accepts what people type on a
Chinese keyboard:

- list fields (完成人, 公开情况, 关键创新点) may be given as text with one item per line, the
  parts separated by ``,`` ``，`` ``、`` ``;`` or ``；`` — the page sends them so, and a
  JSON form may too; a line that cannot be read is named with its number and the reason;
- numbers and dates are read after folding full-width forms (``６０％``, ``２０２５－０３－１５``)
  and accept ``2025/3/15`` and ``2025年3月15日``;
- every message is Chinese, names the field by its label and says what is expected
  (必填, the minimum or maximum length, the allowed values).

Length limits bound the work a form can cause: a 100,000-character field is refused at
once instead of being tokenised and embedded.

Usage example::

    form = parse_form(Path("examples/disclosure-form.json").read_text(encoding="utf-8"))
    form.inventors[0].share  # 60.0
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from assistant.errors import DisclosureFormError
from assistant.roles import valid_researcher_id
from assistant.tasks.fit import maturity_level

__all__ = [
    "ACHIEVEMENT_TYPES",
    "CONFIDENTIALITY_LEVELS",
    "FIELDS",
    "FUNDING_SOURCES",
    "LINE_FORMATS",
    "MAX_FORM_CHARS",
    "PUBLICATION_STATUSES",
    "DisclosureForm",
    "ExistingIP",
    "FieldRule",
    "Inventor",
    "Publication",
    "form_label",
    "parse_form",
]

AchievementType = Literal["专利", "软件著作权", "集成电路布图设计", "植物新品种", "生物医药新品种", "技术秘密"]
FundingSource = Literal["纵向", "横向", "自筹", "无"]
Confidentiality = Literal["普通", "保密", "涉密"]
# 已发表 (published) and 已报告 (presented, exhibited) are public, like the older 已公开; 已投稿 (submitted),
# 已录用 (accepted) and 计划 (planned) are not yet (assistant.tasks.timeline reads them so).
PublicationStatus = Literal["已公开", "已发表", "已报告", "已投稿", "已录用", "计划"]
ACHIEVEMENT_TYPES: tuple[str, ...] = get_args(AchievementType)
PUBLICATION_STATUSES: tuple[str, ...] = get_args(PublicationStatus)
FUNDING_SOURCES: tuple[str, ...] = get_args(FundingSource)
CONFIDENTIALITY_LEVELS: tuple[str, ...] = get_args(Confidentiality)

SHARE_TOLERANCE = 0.01
SHORT_TEXT = 200  # a name, a title, a venue
LONG_TEXT = 5_000  # a few pages of prose: more than any section of a real disclosure needs
MAX_INNOVATIONS = 3
MAX_ITEMS = 20  # inventors, publications, existing IP
MAX_FORM_CHARS = 200_000  # every field at its limit fits; a larger file is refused unread
SEPARATOR = re.compile(r"\s*[,，、;；]\s*")
DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
SHOWN_CHARS = 20  # how much of a bad value a message repeats


@dataclass(frozen=True)
class FieldRule:
    """A field's Chinese label and its length limits in characters (0: no minimum)."""

    label: str
    min_chars: int = 0
    max_chars: int = SHORT_TEXT

    @property
    def hint(self) -> str:
        """The limits as the page states them: "2–200字" or "最多200字"."""
        return f"{self.min_chars}–{self.max_chars}字" if self.min_chars > 1 else f"最多{self.max_chars}字"


FIELDS: dict[str, FieldRule] = {
    "title": FieldRule("成果名称", 2, SHORT_TEXT),
    "author": FieldRule("提交人编号", 1, 64),
    "inventors": FieldRule("完成人"),
    "shares_agreed": FieldRule("贡献比例已一致同意"),
    "achievement_type": FieldRule("成果类型"),
    "field": FieldRule("技术领域", 2, 100),
    "background": FieldRule("背景技术", 10, LONG_TEXT),
    "prior_art_shortcomings": FieldRule("现有技术缺陷", 5, LONG_TEXT),
    "problem": FieldRule("要解决的问题", 5, LONG_TEXT),
    "solution": FieldRule("技术方案", 20, LONG_TEXT),
    "innovations": FieldRule("关键创新点", 1, 500),  # the limits of each item
    "effects": FieldRule("有益效果", 5, LONG_TEXT),
    "indicators": FieldRule("技术指标", 0, LONG_TEXT),
    "embodiment_data": FieldRule("实施例/实验数据", 0, LONG_TEXT),
    "scenarios": FieldRule("应用场景", 2, LONG_TEXT),
    "maturity": FieldRule("成熟度", 1, 50),
    "funding_source": FieldRule("经费来源"),
    "project_no": FieldRule("项目编号", 0, 100),
    "publications": FieldRule("公开情况"),
    "existing_ip": FieldRule("已有知识产权"),
    "transfer_mode": FieldRule("拟转化方式", 2, 100),
    "vesting_requested": FieldRule("申请赋权"),
    "confidentiality": FieldRule("保密要求"),
    "planned_filing_date": FieldRule("拟申请日期"),
    # the parts of one inventor, publication or existing IP
    "name": FieldRule("姓名", 1, 50),
    "share": FieldRule("贡献比例"),
    "department": FieldRule("院系", 0, 100),
    "kind": FieldRule("类型", 1, 50),
    "venue": FieldRule("场合", 0, SHORT_TEXT),
    "date": FieldRule("日期"),
    "status": FieldRule("状态"),
    "number": FieldRule("编号", 1, 100),
    "form": FieldRule("披露表"),
}
LABELS = {name: rule.label for name, rule in FIELDS.items()}
LINE_FORMATS = {
    "inventors": "每行一人：姓名，贡献比例，院系",
    "publications": (
        "每行一项：类型，场合，日期，状态；状态为 已发表、已报告、已公开、已录用、已投稿 或 计划；"
        "已公开的填公开日，未公开的填预计公开日（可不填）"
    ),
    "innovations": f"每行一条，最多{MAX_INNOVATIONS}条，每条{FIELDS['innovations'].hint}",
}


def form_label(name: str) -> str:
    """The label the page shows: the field's name with its limits or line format."""
    rule = FIELDS[name]
    if name in LINE_FORMATS:
        return f"{rule.label}（{LINE_FORMATS[name]}）"
    return f"{rule.label}（{rule.hint}）" if rule.min_chars or rule.max_chars != SHORT_TEXT else rule.label


def _text(name: str, **kwargs: Any) -> Any:
    """A pydantic field with the limits of ``FIELDS[name]``."""
    rule = FIELDS[name]
    return Field(min_length=rule.min_chars, max_length=rule.max_chars, **kwargs)


def _folded(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _single_line(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("不能包含换行或控制字符")
    return value


def _percent(value: Any) -> Any:
    """A share typed as "60", "６０", "60%" or "６０％" as 60.0; other values are left to the model's check."""
    if not isinstance(value, str):
        return value
    text = _folded(value).removesuffix("%").strip()
    if not text:
        raise ValueError("必填（百分比数字，如 60）")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"“{_shown(value)}”不是数字，请填百分比数字，如 60") from None


def _date(value: Any) -> Any:
    """A date from 2025-03-15, 2025/3/15, 2025年3月15日 (also full-width); "" means none."""
    if not isinstance(value, str):
        return value
    text = _folded(value)
    if not text:
        return None
    match = DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"“{_shown(value)}”不是日期（应为 YYYY-MM-DD，如 2025-03-15）")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"“{_shown(value)}”不是有效日期（应为 YYYY-MM-DD，如 2025-03-15）") from None


class Inventor(BaseModel):
    """A contributor and their agreed share of the achievement."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = _text("name")
    share: float = Field(gt=0, le=100, description="贡献比例（%）")
    department: str = _text("department", default="")

    read_share = field_validator("share", mode="before")(_percent)


class Publication(BaseModel):
    """A paper, talk, thesis or preprint that made (or will make) the work public."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: str = _text("kind", description="期刊论文、会议报告、学位论文、预印本、展会……")
    venue: str = _text("venue", default="")
    date: dt.date | None = None
    status: PublicationStatus

    read_date = field_validator("date", mode="before")(_date)


class ExistingIP(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: str = _text("number")
    status: str = _text("status", default="")


class _LineError(ValueError):
    """A line of a list field that cannot be split into its parts."""


def _inventor_parts(line: str) -> dict[str, str]:
    parts = SEPARATOR.split(line, maxsplit=2)
    if len(parts) < 2:
        raise _LineError(f"应为“姓名，贡献比例，院系”，各部分用逗号、顿号或分号分开（现为“{_shown(line)}”）")
    return {"name": parts[0], "share": parts[1], "department": parts[2] if len(parts) > 2 else ""}


def _publication_parts(line: str) -> dict[str, str | None]:
    """类型，场合，日期，状态: the first part is the kind, the last the status; a date before it is optional."""
    parts = SEPARATOR.split(line)
    if len(parts) < 2:
        raise _LineError(f"应为“类型，场合，日期，状态”，各部分用逗号、顿号或分号分开（现为“{_shown(line)}”）")
    middle = parts[1:-1]
    date = middle.pop() if middle and (not middle[-1] or DATE.fullmatch(_folded(middle[-1]))) else None
    return {"kind": parts[0], "venue": "，".join(middle), "date": date or None, "status": parts[-1]}


Item = TypeVar("Item", bound=BaseModel)


def _parse_lines(text: str, model: type[Item], parts: Callable[[str], Mapping[str, Any]]) -> list[Item]:
    """One item per non-blank line; every bad line is named with its number and why.

    :raises ValueError: listing the bad lines (pydantic reports it under the field).
    """
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if len(lines) > MAX_ITEMS:
        raise ValueError(f"最多{MAX_ITEMS}行（现为{len(lines)}行）")
    items: list[Item] = []
    problems: list[str] = []
    for number, line in lines:
        try:
            items.append(model.model_validate(parts(line)))
        except _LineError as exc:
            problems.append(f"第{number}行：{exc}")
        except ValidationError as exc:
            problems += [f"第{number}行{_problem(error, error['loc'])}" for error in exc.errors()]
    if problems:
        raise ValueError("；".join(problems))
    return items


class DisclosureForm(BaseModel):
    """The disclosure form; field names are English, labels and limits in :data:`FIELDS`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = _text("title")
    author: str = _text("author", description="提交人（研究人员编号），草稿归其所有")
    inventors: list[Inventor] = Field(min_length=1, max_length=MAX_ITEMS)
    shares_agreed: bool = True
    achievement_type: AchievementType
    field: str = _text("field")
    background: str = _text("background")
    prior_art_shortcomings: str = _text("prior_art_shortcomings")
    problem: str = _text("problem")
    solution: str = _text("solution")
    innovations: list[Annotated[str, _text("innovations")]] = Field(min_length=1, max_length=MAX_INNOVATIONS)
    effects: str = _text("effects")
    indicators: str = _text("indicators", default="")
    embodiment_data: str = _text("embodiment_data", default="")
    scenarios: str = _text("scenarios")
    maturity: str = _text("maturity")
    funding_source: FundingSource
    project_no: str = _text("project_no", default="")
    publications: list[Publication] = Field(default_factory=list, max_length=MAX_ITEMS)
    existing_ip: list[ExistingIP] = Field(default_factory=list, max_length=MAX_ITEMS)
    transfer_mode: str = _text("transfer_mode")
    vesting_requested: bool = False
    confidentiality: Confidentiality = "保密"
    planned_filing_date: dt.date | None = None

    one_line = field_validator("title", "field", "maturity", "project_no", "transfer_mode")(_single_line)
    read_filing_date = field_validator("planned_filing_date", mode="before")(_date)

    @field_validator("author", mode="before")
    @classmethod
    def _author_id(cls, value: Any) -> Any:
        """Ids name files and owners: letters, digits and _ . - only, never a path or a second line."""
        if not isinstance(value, str) or not value.strip():
            return value
        author = _folded(value)
        if not valid_researcher_id(author):
            raise ValueError("只能由英文字母、数字和 _ . - 组成，以字母或数字开头，不含“..”，最多64个字符，如 r-zhang")
        return author

    @field_validator("inventors", mode="before")
    @classmethod
    def _inventor_lines(cls, value: Any) -> Any:
        return _parse_lines(value, Inventor, _inventor_parts) if isinstance(value, str) else value

    @field_validator("publications", mode="before")
    @classmethod
    def _publication_lines(cls, value: Any) -> Any:
        return _parse_lines(value, Publication, _publication_parts) if isinstance(value, str) else value

    @field_validator("innovations", mode="before")
    @classmethod
    def _innovation_lines(cls, value: Any) -> Any:
        return [line.strip() for line in value.splitlines() if line.strip()] if isinstance(value, str) else value

    @field_validator("innovations")
    @classmethod
    def _innovations_written(cls, value: list[str]) -> list[str]:
        empty = [n for n, item in enumerate(value, start=1) if not item.strip()]
        if empty:
            raise ValueError(f"第{empty[0]}条为空")
        return [item.strip() for item in value]

    @field_validator("maturity")
    @classmethod
    def _known_maturity(cls, value: str) -> str:
        value = _folded(value)
        if maturity_level(value) is None:
            raise ValueError("请填写 TRL1–TRL9，或 研发中/样品/小试/中试/量产")
        return value

    @model_validator(mode="after")
    def _shares_and_project(self) -> DisclosureForm:
        total = sum(i.share for i in self.inventors)
        if abs(total - 100) > SHARE_TOLERANCE:
            raise ValueError(f"inventors: 完成人贡献比例合计应为100%，现为{total:g}%")
        if self.funding_source == "纵向" and not self.project_no:
            raise ValueError("project_no: 纵向经费须填写项目编号")
        return self


def parse_form(data: Mapping[str, Any] | str) -> DisclosureForm:
    """Validate a form given as a mapping or as JSON text.

    :raises DisclosureFormError: with one message per field in error (all its problems).
    """
    if isinstance(data, str) and len(data) > MAX_FORM_CHARS:
        raise DisclosureFormError({"form": f"内容过长（{len(data)}字，上限{MAX_FORM_CHARS}字）"}, LABELS)
    try:
        if isinstance(data, str):
            return DisclosureForm.model_validate_json(data)
        return DisclosureForm.model_validate(data)
    except ValidationError as exc:
        problems: dict[str, list[str]] = {}
        for error in exc.errors():
            name, message = _field_problem(error)
            if message not in problems.setdefault(name, []):
                problems[name].append(message)
        raise DisclosureFormError({name: "；".join(found) for name, found in problems.items()}, LABELS) from None


def _field_problem(error: ErrorDetails) -> tuple[str, str]:
    """(field name, message) for one pydantic error; list items are named by position."""
    location = error["loc"]
    if not location:
        message = _message(error)
        if error["type"] == "value_error" and ": " in message:  # a model-level check names its field itself
            name, message = message.split(": ", 1)
            return name, message
        return "form", message
    name, rest = str(location[0]), location[1:]
    if rest and isinstance(rest[0], int):
        return name, f"第{rest[0] + 1}项{_problem(error, rest[1:])}"
    return name, _message(error)


def _problem(error: ErrorDetails, location: tuple[int | str, ...]) -> str:
    """The problem at ``location`` inside one item ("贡献比例：应大于0"), or "：…" when it is about the whole item."""
    if location and str(location[0]) in FIELDS:
        return f"{FIELDS[str(location[0])].label}：{_message(error)}"
    return f"：{_message(error)}"


def _message(error: ErrorDetails) -> str:
    """The Chinese message for one pydantic error: what is expected, and what was given when it helps."""
    kind, ctx, given = error["type"], error.get("ctx", {}), error.get("input")
    size = len(given) if isinstance(given, str | list) else 0
    match kind:
        case "missing":
            return "必填"
        case "string_too_short":
            minimum = ctx["min_length"]
            needed = f"（至少{minimum}字）" if minimum > 1 else ""
            return f"必填{needed}" if not size else f"至少{minimum}字（现为{size}字）"
        case "string_too_long":
            return f"最多{ctx['max_length']}字（现为{size}字）"
        case "too_short":
            return "必填" if not size else f"至少{ctx['min_length']}项"
        case "too_long":
            return f"最多{ctx['max_length']}项（现为{ctx.get('actual_length', size)}项）"
        case "literal_error":
            choices = "、".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
            return f"应为{choices}之一（现为“{_shown(given)}”）"
        case "greater_than":
            return f"应大于{ctx['gt']:g}"
        case "less_than_equal":
            return f"不能超过{ctx['le']:g}"
        case "float_parsing" | "float_type" | "int_parsing" | "int_type":
            return f"应为数字（现为“{_shown(given)}”）"
        case "bool_parsing" | "bool_type":
            return "应为 true 或 false"
        case "string_type":
            return "应为文字"
        case "list_type":
            return "应为列表，或每行一项的文字"
        case "model_type" | "model_attributes_type" | "dict_type":
            return "应为 JSON 对象（键值对）"
        case "extra_forbidden":
            return "不是披露表的字段"
        case "json_invalid":
            return "不是有效的 JSON，请检查引号、逗号和括号"
        case "json_type":
            return "应为 JSON 文本"
        case "value_error":
            return str(error["msg"]).removeprefix("Value error, ")
    if kind.startswith("date"):
        return "日期格式应为 YYYY-MM-DD，如 2025-03-15"
    return f"取值无效（现为“{_shown(given)}”）"
