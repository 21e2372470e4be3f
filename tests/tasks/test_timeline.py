"""The disclosure timeline on hand-worked dates (实施细则第五条: same day of the sixth month, else month end)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.tasks.disclosure_form import Publication
from assistant.tasks.rules import RuleBase
from assistant.tasks.timeline import add_months, build_timeline, grace_case

TODAY = date(2025, 8, 1)


def pub(kind: str, day: str | None, status: str, venue: str = "") -> Publication:
    return Publication.model_validate({"kind": kind, "venue": venue, "date": day, "status": status})


class TestAddMonths:
    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (date(2025, 5, 20), date(2025, 11, 20)),
            (date(2025, 8, 31), date(2026, 2, 28)),  # no 31 February: the month's last day
            (date(2023, 8, 31), date(2024, 2, 29)),  # leap year
            (date(2025, 3, 31), date(2025, 9, 30)),
            (date(2025, 12, 15), date(2026, 6, 15)),
        ],
    )
    def test_six_months(self, start: date, end: date) -> None:
        assert add_months(start, 6) == end


class TestGraceCase:
    @pytest.mark.parametrize(
        ("kind", "case"),
        [("会议报告", "第（三）项"), ("展会", "第（二）项"), ("他人未经同意泄露", "第（四）项"), ("期刊论文", ""),
         ("预印本", ""), ("学位论文", "")],
    )  # fmt: skip
    def test_only_the_four_cases_of_article_24(self, kind: str, case: str) -> None:
        found = grace_case(kind)
        assert found.startswith(case) if case else found == ""


class TestBuildTimeline:
    def test_conference_talk_within_the_window(self, rule_base: RuleBase) -> None:
        timeline = build_timeline(rule_base, [pub("会议报告", "2025-05-20", "已报告")], date(2025, 9, 1), today=TODAY)
        assert timeline.earliest_disclosure == date(2025, 5, 20)
        assert timeline.grace_applicable and timeline.grace_last_day == date(2025, 11, 20)
        assert timeline.grace_passed is False and timeline.planned_in_time is True
        cited = {rule.id for rule in timeline.rules}
        assert {"CN-PL-24", "CN-PR-33-3", "CN-PR-5"} <= cited

    @pytest.mark.parametrize(("today", "passed"), [(date(2025, 11, 20), False), (date(2025, 11, 21), True)])
    def test_last_day_boundary(self, rule_base: RuleBase, today: date, passed: bool) -> None:
        timeline = build_timeline(rule_base, [pub("会议报告", "2025-05-20", "已报告")], None, today=today)
        assert timeline.grace_passed is passed

    def test_published_journal_paper_has_no_grace(self, rule_base: RuleBase) -> None:
        timeline = build_timeline(rule_base, [pub("期刊论文", "2025-03-10", "已发表")], date(2025, 9, 1), today=TODAY)
        assert timeline.grace_applicable is False and timeline.grace_last_day is None
        assert timeline.planned_in_time is False
        assert any("现有技术" in item.text and "第二十二条" in item.basis for item in timeline.items)

    def test_submitted_paper_is_not_yet_a_disclosure(self, rule_base: RuleBase) -> None:
        timeline = build_timeline(rule_base, [pub("期刊论文", "2025-10-01", "已投稿")], date(2025, 9, 1), today=TODAY)
        assert timeline.earliest_disclosure is None and timeline.grace_applicable is None
        assert timeline.next_publication == date(2025, 10, 1) and timeline.planned_in_time is True
        assert "尚未公开" in timeline.items[0].text and "公开之前提交" in timeline.items[0].text

    @pytest.mark.parametrize(("planned", "in_time"), [(date(2025, 10, 1), True), (date(2025, 10, 2), False)])
    def test_filing_on_the_publication_day_is_still_before_it(
        self, rule_base: RuleBase, planned: date, in_time: bool
    ) -> None:
        timeline = build_timeline(rule_base, [pub("期刊论文", "2025-10-01", "已录用")], planned, today=TODAY)
        assert timeline.planned_in_time is in_time

    def test_a_planned_filing_date_already_past(self, rule_base: RuleBase) -> None:
        timeline = build_timeline(rule_base, [], date(2025, 7, 1), today=TODAY)
        assert timeline.planned_past and any("已过" in item.text for item in timeline.items)

    def test_a_later_journal_paper_spoils_the_conference_grace(self, rule_base: RuleBase) -> None:
        publications = [pub("会议报告", "2025-05-20", "已报告"), pub("期刊论文", "2025-07-01", "已发表")]
        timeline = build_timeline(rule_base, publications, None, today=TODAY)
        assert timeline.earliest_disclosure == date(2025, 5, 20) and timeline.grace_applicable is False

    def test_without_the_rule_base_nothing_is_invented(self) -> None:
        timeline = build_timeline(RuleBase(()), [pub("会议报告", "2025-05-20", "已报告")], None, today=TODAY)
        assert timeline.grace_last_day is None and timeline.grace_applicable is None


def test_every_hand_worked_case_passes(rule_base: RuleBase) -> None:
    """evals/rules_cases.jsonl: ≥ 30 reward and ≥ 20 timeline cases, all exact."""
    import json

    from assistant.evaluation.rules import judge
    from tests.conftest import REPO

    cases = [
        json.loads(line) for line in (REPO / "evals" / "rules_cases.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sum(c["kind"] == "reward" for c in cases) >= 30 and sum(c["kind"] == "timeline" for c in cases) >= 20
    failures = {c["id"]: judge(rule_base, c) for c in cases}
    assert {k: v for k, v in failures.items() if v} == {}
