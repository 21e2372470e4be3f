"""The disclosure form: what Chinese users type is read, every problem is named in Chinese, input is bounded."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from typing import Any

import pytest

from assistant.errors import DisclosureFormError
from assistant.tasks.disclosure_form import FIELDS, MAX_FORM_CHARS, form_label, parse_form
from tests.conftest import REPO

FORM = json.loads((REPO / "examples" / "disclosure-form.json").read_text(encoding="utf-8"))
# English words a message may contain: formats and values the user types as such
ALLOWED_LATIN = {"YYYY-MM-DD", "TRL", "TRL1", "TRL9", "JSON", "true", "false", "r-zhang"}


def form(**changes: Any) -> dict[str, Any]:
    return {**FORM, **changes}


def problems(**changes: Any) -> dict[str, str]:
    with pytest.raises(DisclosureFormError) as info:
        parse_form(form(**changes))
    return info.value.problems


def assert_chinese(message: str) -> None:
    """No English words besides formats, the JSON key beside a label, and what the user typed (quoted)."""
    ours = re.sub(r"“[^”]*”|（[a-z_]+）", "", message)
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9-]*", ours)) - ALLOWED_LATIN
    assert not words, message


class TestParseForm:
    def test_example_form_is_valid(self) -> None:
        parsed = parse_form(FORM)
        assert parsed.inventors[0].share == 60 and parsed.publications[0].date == dt.date(2025, 5, 20)

    def test_each_field_in_error_is_reported_with_its_label(self) -> None:
        bad = form(title="", achievement_type="论文", maturity="快好了", innovations=["a", "b", "c", "d"])
        bad["publications"] = [{"kind": "论文", "date": "2025-13-45", "status": "已公开"}]
        with pytest.raises(DisclosureFormError) as info:
            parse_form(bad)
        found = info.value.problems
        assert set(found) == {"title", "achievement_type", "maturity", "innovations", "publications"}
        assert found["title"] == "必填（至少2字）"
        assert "TRL" in found["maturity"] and "YYYY-MM-DD" in found["publications"]
        assert found["achievement_type"].startswith("应为专利、软件著作权") and "论文" in found["achievement_type"]
        assert found["innovations"] == "最多3项（现为4项）"
        assert "成果名称（title）：必填" in str(info.value)
        assert info.value.messages()[0] == "成果名称：必填（至少2字）"
        for message in [str(info.value), *found.values()]:
            assert_chinese(message)

    def test_short_text_states_the_minimum(self) -> None:
        assert problems(solution="太短了")["solution"] == "至少20字（现为3字）"

    def test_shares_must_add_up_to_100(self) -> None:
        found = problems(inventors=[{"name": "甲", "share": 50}, {"name": "乙", "share": 40}])
        assert found == {"inventors": "完成人贡献比例合计应为100%，现为90%"}

    def test_vertical_funding_needs_project_number(self) -> None:
        assert problems(project_no="") == {"project_no": "纵向经费须填写项目编号"}

    @pytest.mark.parametrize(
        ("data", "expected"),
        [("{不是 JSON", "不是有效的 JSON"), ("[1, 2]", "应为 JSON 对象")],
    )
    def test_json_that_is_not_a_form(self, data: str, expected: str) -> None:
        with pytest.raises(DisclosureFormError) as info:
            parse_form(data)
        assert list(info.value.problems) == ["form"] and expected in info.value.problems["form"]
        assert_chinese(str(info.value))

    def test_unknown_field_and_wrong_types_are_named_in_chinese(self) -> None:
        found = problems(shares_agreed="也许", inventors=[{"name": "甲", "share": "六十"}], note="x")
        assert found["note"] == "不是披露表的字段"
        assert found["shares_agreed"] == "应为 true 或 false"
        assert found["inventors"].startswith("第1项贡献比例：“六十”不是数字")
        for message in found.values():
            assert_chinese(message)


class TestWhatChineseUsersType:
    def test_publication_with_full_width_commas_is_parsed(self) -> None:
        parsed = parse_form(form(publications="期刊论文，《储能科学与技术》，2025-03-15，已投稿"))
        [publication] = parsed.publications
        assert (publication.kind, publication.venue, publication.date, publication.status) == (
            "期刊论文",
            "《储能科学与技术》",
            dt.date(2025, 3, 15),
            "已投稿",
        )

    def test_publication_lines_with_other_separators_full_width_digits_and_no_date(self) -> None:
        text = (
            "会议报告、示例学术年会、２０２５－０５－２０、已公开\n\n学位论文；；计划\n专利申请，2025年3月1日，已公开"
        )
        parsed = parse_form(form(publications=text))
        assert [(p.kind, p.venue, p.date, p.status) for p in parsed.publications] == [
            ("会议报告", "示例学术年会", dt.date(2025, 5, 20), "已公开"),
            ("学位论文", "", None, "计划"),
            ("专利申请", "", dt.date(2025, 3, 1), "已公开"),
        ]

    def test_inventors_with_full_width_commas_and_digits(self) -> None:
        parsed = parse_form(form(inventors="张示例，６０％，土木工程学院、力学系\n李示例；40"))
        assert [(i.name, i.share, i.department) for i in parsed.inventors] == [
            ("张示例", 60.0, "土木工程学院、力学系"),
            ("李示例", 40.0, ""),
        ]

    def test_innovations_one_per_line(self) -> None:
        assert parse_form(form(innovations="压电薄膜兼作传感\n\n免破坏安装")).innovations == [
            "压电薄膜兼作传感",
            "免破坏安装",
        ]

    def test_full_width_dates_and_author(self) -> None:
        parsed = parse_form(form(planned_filing_date="２０２５／９／１", author="ｒ－ｚｈａｎｇ", maturity="ＴＲＬ５"))
        assert (parsed.planned_filing_date, parsed.author, parsed.maturity) == (dt.date(2025, 9, 1), "r-zhang", "TRL5")

    def test_every_line_that_cannot_be_read_is_named(self) -> None:
        found = problems(inventors="张三，abc\n\n李四 40\n王五，0", publications="期刊论文，《储能》，2025-03-15\n论文")
        assert found["inventors"] == (
            "第1行贡献比例：“abc”不是数字，请填百分比数字，如 60；"
            "第3行：应为“姓名，贡献比例，院系”，各部分用逗号、顿号或分号分开（现为“李四 40”）；"
            "第4行贡献比例：应大于0"
        )
        assert found["publications"].startswith(
            "第1行状态：应为已公开、已发表、已报告、已投稿、已录用、计划之一（现为“2025-03-15”）；第2行：应为“类型"
        )
        for message in found.values():
            assert_chinese(message)

    def test_empty_inventors_text_is_required(self) -> None:
        assert problems(inventors="")["inventors"] == "必填"


class TestLimits:
    def test_labels_state_the_limits(self) -> None:
        assert form_label("title") == "成果名称（2–200字）"
        assert form_label("solution") == "技术方案（20–5000字）"
        assert form_label("indicators") == "技术指标（最多5000字）"
        assert "最多3条" in form_label("innovations")

    def test_100k_character_fields_are_refused_within_a_second(self) -> None:
        huge = "字" * 100_000
        started = time.perf_counter()
        found = problems(title=huge, solution=huge, inventors=f"{huge}，100", innovations=[huge])
        assert time.perf_counter() - started < 1.0
        assert found["title"] == "最多200字（现为100000字）"
        assert found["solution"] == f"最多{FIELDS['solution'].max_chars}字（现为100000字）"
        assert found["inventors"] == "第1行姓名：最多50字（现为100000字）"
        assert found["innovations"] == "第1项：最多500字（现为100000字）"

    def test_a_form_file_beyond_all_limits_is_refused_unread(self) -> None:
        text = json.dumps(form(background="字" * MAX_FORM_CHARS), ensure_ascii=False)
        with pytest.raises(DisclosureFormError) as info:
            parse_form(text)
        assert info.value.problems == {"form": f"内容过长（{len(text)}字，上限{MAX_FORM_CHARS}字）"}

    def test_too_many_lines(self) -> None:
        assert problems(inventors="甲，5\n" * 21)["inventors"] == "最多20行（现为21行）"


class TestAuthor:
    @pytest.mark.parametrize(
        "author", ["../../escape", "/etc/passwd", "r-evil\nvisibility: public", "a..b", ".hidden", "r zhang", "x" * 65]
    )
    def test_ids_that_could_name_a_path_or_add_a_line_are_refused(self, author: str) -> None:
        message = problems(author=author)["author"]
        assert "只能由英文字母、数字和 _ . - 组成" in message

    def test_title_with_a_line_break_is_refused(self) -> None:
        assert problems(title="压电贴片\nvisibility: public")["title"] == "不能包含换行或控制字符"
