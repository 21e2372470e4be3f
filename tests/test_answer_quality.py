"""The users' question set (evals/qa_users.jsonl) and how answers to it are scored (issue #11)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from assistant.evaluation.answer_quality import (
    UserQuestion,
    colon_ending,
    first_sentence,
    read_user_questions,
    repeats_sentence,
    score_answer,
    summarise,
)
from assistant.records import Answer
from tests.conftest import REPO

USERS = REPO / "evals" / "qa_users.jsonl"
TYPES = {"number", "deadline", "procedure", "definition", "yesno", "who", "list", "region", "refuse"}
ABSENT_REGIONS = {"北京", "深圳", "浙江", "山东"}


def question(**overrides: object) -> UserQuestion:
    row: dict[str, object] = {
        "id": "t-1",
        "question": "北京市规定转让奖励比例不低于多少？",
        "type": "region",
        "region": "北京",
        "must_have": [["未收录", "没有收录"], ["50%", "百分之五十"]],
        "wrong_rule": ["70%"],
        "should_refuse": False,
        "split": "holdout",
    }
    row.update(overrides)
    return UserQuestion.from_row(row)


def test_the_set_is_large_typed_split_and_sourced() -> None:
    rows = [json.loads(line) for line in USERS.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = read_user_questions(USERS)
    assert len(questions) >= 80
    assert len({q.id for q in questions}) == len(questions)
    assert {q.type for q in questions} <= TYPES
    by_type = Counter(q.type for q in questions)
    assert by_type["region"] >= 15 and by_type["procedure"] >= 10
    assert sum(q.should_refuse for q in questions) >= 10
    assert {q.region for q in questions} >= ABSENT_REGIONS
    for q, row in zip(questions, rows, strict=True):
        assert q.role in {"researcher", "officer", "enterprise"}, q.id
        assert row.get("basis"), q.id
        assert q.should_refuse or 1 <= len(q.must_have) <= 3, q.id
        assert all(wording.strip() for fact in q.must_have for wording in fact), q.id
    for kind, count in by_type.items():  # stratified: each type is split about in half
        holdout = sum(q.split == "holdout" for q in questions if q.type == kind)
        assert abs(2 * holdout - count) <= 1, kind


def test_a_gap_answer_with_the_national_floor_is_correct() -> None:
    answer = Answer("知识库未收录北京市的规定。国家规定转让净收入的奖励不低于50％[1]。")
    scored = score_answer(question(), answer)
    assert scored.correct and scored.first_sentence_fact and not scored.wrong_rule


def test_another_regions_figure_is_a_wrong_rule_even_with_every_fact() -> None:
    answer = Answer("知识库未收录北京的规定；国家标准不低于50%，北京不低于70%。")
    scored = score_answer(question(), answer)
    assert scored.wrong_rules == ("70%",) and not scored.correct


def test_a_refusal_is_right_only_when_the_question_must_be_refused() -> None:
    refusal = Answer("知识库中没有找到依据。1. 《上海标准：70%》 [1]", grounded=False)
    must_refuse = question(type="refuse", must_have=[], should_refuse=True)
    assert score_answer(must_refuse, refusal).correct
    scored = score_answer(question(), refusal)
    assert not scored.correct and not scored.decision_right
    assert not scored.wrong_rule  # a refusal lists sources; it presents no rule


def test_lead_sentence_and_citation_marks() -> None:
    assert first_sentence("**依据**国家规定不低于50%[1]。其余。") == "依据国家规定不低于50%。"
    scored = score_answer(question(), Answer("国家层面的规定如下。知识库未收录北京；全国不低于50%。"))
    assert scored.correct and not scored.first_sentence_fact


@pytest.mark.parametrize(
    ("text", "ends_in_colon"),
    [
        ("扣除以下3项后的余额：[1]所以，净收入更少。", True),
        ("扣除以下3项后的余额：", True),
        ("扣除以下3项：\n不过各单位不同。", True),
        ("扣除以下3项：\n1. 相关税费；\n2. 维护费用。", False),
        ("扣除以下3项：[1]\n- 相关税费", False),
        ("依据：《促进科技成果转化法》第四十五条。", False),
    ],
)
def test_a_colon_that_announces_a_dropped_list(text: str, ends_in_colon: bool) -> None:
    assert colon_ending(text) is ends_in_colon


def test_repeated_sentences_ignore_citation_marks_but_not_short_labels() -> None:
    assert repeats_sentence("赋权是把所有权交给完成人[1]。赋权是把所有权交给完成人[2]。")
    assert not repeats_sentence("依据：\n第一条规定甲。\n依据：\n第二条规定乙。")


def test_summary_reports_each_split_and_type_apart() -> None:
    tune = score_answer(question(split="tune"), Answer("知识库未收录北京；国家不低于50%。"))
    wrong = score_answer(question(id="t-2"), Answer("北京不低于70%：", grounded=True))
    summary = summarise([tune, wrong])
    assert summary["tune"]["all"]["correct"] == 1
    holdout = summary["holdout"]["by_type"]["region"]
    assert holdout["correct"] == 0 and holdout["wrong_rule"] == 1 and holdout["colon_endings"] == 1
    assert summary["holdout"]["wrong_rule_ids"] == ["t-2"]
