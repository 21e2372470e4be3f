"""The disclosure timeline: from what was (or will be) made public to the last day to file.

A pure function over the rule base and the disclosure form's publication list:

- a paper that is only submitted or accepted is not yet public, so it is not prior art
  (专利法第二十二条): the application should be filed before it is published;
- what is already public is prior art unless it is one of the four cases of 专利法第二十四条
  (emergency, a recognised international exhibition, a prescribed academic or technical
  conference, a leak without consent; 实施细则第三十三条 says which exhibitions and conferences
  count and which evidence is due within two months of filing). A journal paper, a preprint or
  a thesis is none of them;
- the grace window runs six months from the earliest disclosure, counted as 实施细则第五条
  counts months (the same day of the sixth month, or that month's last day).

The numbers (six months, two months) come from the rule base; every checklist item names its rules.

Usage example::

    timeline = build_timeline(rules, form.publications, form.planned_filing_date, today=date.today())
    timeline.grace_last_day, [item.text for item in timeline.items]
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.domain import Rule
from assistant.tasks.disclosure_form import Publication
from assistant.tasks.rules import RuleBase

__all__ = [
    "PENDING",
    "PUBLIC",
    "Timeline",
    "TimelineItem",
    "add_months",
    "build_timeline",
    "grace_case",
]

PUBLIC = ("已公开", "已发表", "已报告")  # published or presented: the day it happened is a disclosure
PENDING = ("已投稿", "已录用", "计划")  # not public yet
NOVELTY, GRACE, EVIDENCE, COUNTING = "CN-PL-22", "CN-PL-24", "CN-PR-33-3", "CN-PR-5"
# The kinds of disclosure 专利法第二十四条 lets keep novelty, read from the publication's kind and venue.
GRACE_CASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("第（二）项：在中国政府主办或者承认的国际展览会上首次展出", re.compile(r"展会|展览|博览会|展出|展示会")),
    ("第（三）项：在规定的学术会议或者技术会议上首次发表", re.compile(r"会议|研讨会|年会|论坛|报告会|学术报告")),
    ("第（四）项：他人未经申请人同意泄露其内容", re.compile(r"泄露|泄密|未经.{0,4}同意")),
    ("第（一）项：国家出现紧急状态或者非常情况时为公共利益目的首次公开", re.compile(r"紧急状态|非常情况")),
)
NO_GRACE = re.compile(r"期刊|预印本|arxiv|学位论文|毕业论文|网络|网站|公众号|博客|销售|使用公开|产品", re.IGNORECASE)


def grace_case(kind: str, venue: str = "") -> str:
    """The case of 专利法第二十四条 a disclosure of this kind could fall under, or "" when none can.

    A journal paper, preprint or thesis never can, even when it was "reported" somewhere.
    """
    text = f"{kind} {venue}"
    if NO_GRACE.search(kind):
        return ""
    return next((case for case, pattern in GRACE_CASES if pattern.search(text)), "")


def add_months(start: date, months: int) -> date:
    """The day a period of ``months`` from ``start`` ends (实施细则第五条: same day, else the month's last)."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class TimelineItem:
    """One checklist line and the rules it rests on."""

    text: str
    rules: tuple[Rule, ...] = ()

    @property
    def basis(self) -> str:
        return "；".join(rule.basis for rule in self.rules)


@dataclass(frozen=True)
class Timeline:
    """What the publication list means for filing, with dates computed and each item cited."""

    today: date
    planned_filing_date: date | None
    earliest_disclosure: date | None
    grace_applicable: bool | None  # None: nothing is public yet
    grace_last_day: date | None
    grace_passed: bool | None
    next_publication: date | None  # the earliest day a pending publication is expected to appear
    planned_past: bool
    planned_in_time: bool | None
    items: tuple[TimelineItem, ...]

    def to_dict(self) -> dict[str, Any]:
        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "earliest_disclosure": day(self.earliest_disclosure),
            "grace_applicable": self.grace_applicable,
            "grace_last_day": day(self.grace_last_day),
            "grace_passed": self.grace_passed,
            "next_publication": day(self.next_publication),
            "planned_past": self.planned_past,
            "planned_in_time": self.planned_in_time,
            "items": [{"text": item.text, "basis": item.basis} for item in self.items],
        }

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule an item cites, once, in order of first use."""
        return tuple({rule.id: rule for item in self.items for rule in item.rules}.values())


def _label(publication: Publication) -> str:
    venue = f"《{publication.venue.strip('《》')}》" if publication.venue else ""
    return f"{venue}{publication.kind}"


def build_timeline(
    rules: RuleBase,
    publications: Sequence[Publication],
    planned_filing_date: date | None,
    *,
    today: date,
) -> Timeline:
    """The timeline of one disclosure form (see the module docstring for the rules applied)."""
    novelty, grace, evidence, counting = (rules.get(i) for i in (NOVELTY, GRACE, EVIDENCE, COUNTING))
    cite = lambda *found: tuple(r for r in found if r is not None)  # noqa: E731
    items: list[TimelineItem] = []
    public = [p for p in publications if p.status in PUBLIC]
    pending = [p for p in publications if p.status in PENDING]
    dated = sorted((p for p in public if p.date), key=lambda p: p.date or today)
    earliest = dated[0].date if dated else None

    applicable: bool | None = None
    last_day: date | None = None
    passed: bool | None = None
    if public:
        cases = {id(p): grace_case(p.kind, p.venue) for p in public}
        applicable = all(cases.values()) and len(dated) == len(public)
        for p in public:
            when = p.date.isoformat() if p.date else "日期未填"
            if not p.date:
                items.append(
                    TimelineItem(f"{_label(p)}已公开但未填日期：无法计算宽限期，请补充公开日期。", cite(grace))
                )
            elif cases[id(p)]:
                items.append(TimelineItem(
                    f"{_label(p)}（{when}）可能属于专利法第二十四条{cases[id(p)]}的情形，前提是展会或会议符合实施细则"
                    "第三十三条的范围；申请时须声明，并自申请日起2个月内提交展出或发表及其日期的证明文件。",
                    cite(grace, evidence),
                ))  # fmt: skip
            else:
                items.append(TimelineItem(
                    f"{_label(p)}（{when}）不属于专利法第二十四条的不丧失新颖性情形：所公开的内容已是现有技术，"
                    "相同的技术方案不能再获得专利；请与代理人评估尚未公开的改进点能否单独申请。",
                    cite(novelty, grace),
                ))  # fmt: skip
        if applicable and earliest and grace and grace.number is not None:
            last_day = add_months(earliest, int(grace.number))
            passed = today > last_day
            if passed:
                items.append(TimelineItem(
                    f"宽限期已于 {last_day.isoformat()} 届满（自最早公开日 {earliest.isoformat()} 起{grace.value}个月）："
                    "该公开已成为现有技术，不能再主张不丧失新颖性。",
                    cite(grace, counting),
                ))  # fmt: skip
            else:
                items.append(TimelineItem(
                    f"最早公开日 {earliest.isoformat()}；如主张宽限期，最迟须在 {last_day.isoformat()} 提交申请"
                    f"（{grace.value}个月，按实施细则第五条计算；届满日遇法定休假日可顺延，但不建议依赖）。",
                    cite(grace, counting),
                ))  # fmt: skip
        elif applicable and grace is None:
            applicable = None
            items.append(TimelineItem("规则库中没有宽限期规则，无法计算最后申请日，请咨询转化办。"))

    for p in pending:
        when = f"预计 {p.date.isoformat()} 公开" if p.date else "公开日期未定"
        if p.date and p.date <= today:
            when += "（该日已到，请核实是否已经发表；已发表的请改为“已发表”）"
        grace_note = (
            "；会议发表只有在规定的学术会议上首次发表才可能适用宽限期"
            if grace_case(p.kind, p.venue)
            else "；期刊论文、预印本等发表后不适用宽限期"
        )
        items.append(TimelineItem(
            f"{_label(p)}目前{p.status}、{when}：尚未公开，还不是现有技术。请在公开之前提交专利申请，"
            f"并在此之前不要以报告、预印本或网络形式提前公开{grace_note}。",
            cite(novelty, grace),
        ))  # fmt: skip
    upcoming = sorted(p.date for p in pending if p.date)
    next_publication = upcoming[0] if upcoming else None

    planned_past = planned_filing_date is not None and planned_filing_date < today
    in_time = _in_time(planned_filing_date, applicable, public, last_day, next_publication)
    if planned_filing_date is not None:
        if planned_past:
            items.append(TimelineItem(
                f"拟申请日期 {planned_filing_date.isoformat()} 已过（今天 {today.isoformat()}）：请尽快提交，或更新拟申请日期。"
            ))  # fmt: skip
        if in_time is False:
            limit = []
            if last_day:
                limit.append(f"宽限期最后一天 {last_day.isoformat()}")
            if next_publication:
                limit.append(f"预计公开日 {next_publication.isoformat()}")
            reason = "、".join(limit) or "已有不适用宽限期的公开"
            items.append(TimelineItem(
                f"拟申请日期 {planned_filing_date.isoformat()} 赶不上{reason}：请提前申请日期。",
                cite(novelty, grace),
            ))  # fmt: skip
    if not publications:
        items.append(TimelineItem("尚无公开记录：提交专利申请之前，不要发表论文、做报告或展出成果。", cite(novelty)))
    return Timeline(
        today=today,
        planned_filing_date=planned_filing_date,
        earliest_disclosure=earliest,
        grace_applicable=applicable,
        grace_last_day=last_day,
        grace_passed=passed,
        next_publication=next_publication,
        planned_past=planned_past,
        planned_in_time=in_time,
        items=tuple(items),
    )


def _in_time(
    planned: date | None,
    applicable: bool | None,
    public: Sequence[Publication],
    last_day: date | None,
    next_publication: date | None,
) -> bool | None:
    """Does the planned filing date keep novelty? ``None`` when no date is planned.

    Prior art is what was public *before* the filing date (专利法第二十二条), so filing on the
    day a paper appears is still in time; the checklist advises filing earlier.
    """
    if planned is None:
        return None
    if public and applicable is False:
        return False  # a disclosure no grace case covers is prior art already
    if last_day is not None and planned > last_day:
        return False
    return not (next_publication is not None and planned > next_publication)
