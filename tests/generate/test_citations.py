"""Citation markers: which sentence cites what, which markers survive, which quotes are verbatim."""

from __future__ import annotations

from assistant.generate.citations import cited_numbers, claims, quote_is_verbatim, remove_invalid_markers

CHUNK_TEXT = "第四条 以成果作价入股的，应当从所得股份中\n拿出不低于百分之七十奖励研发团队。"


def test_markers_after_the_full_stop_belong_to_the_sentence_before() -> None:
    assert claims("净收入的70%奖励团队。[1][2]报告三月底前报送[3]。过渡句。") == [
        ("净收入的70%奖励团队。[1][2]", [1, 2]),
        ("报告三月底前报送[3]。", [3]),
        ("过渡句。", []),
    ]


def test_cited_numbers_in_order_of_first_appearance() -> None:
    assert cited_numbers("甲[2]乙[1]丙[2]丁[10]") == [2, 1, 10]
    assert cited_numbers("没有引用。") == []


def test_remove_invalid_markers_keeps_only_known_numbers() -> None:
    assert remove_invalid_markers("甲[1]乙[3]丙[2]", {1, 2}) == "甲[1]乙丙[2]"
    assert remove_invalid_markers("甲[1]", []) == "甲"


def test_quote_is_verbatim_allows_only_whitespace_differences() -> None:
    assert quote_is_verbatim("应当从所得股份中 拿出不低于百分之七十奖励研发团队。", CHUNK_TEXT)
    assert not quote_is_verbatim("应当从所得股份中拿出不低于百分之八十奖励研发团队。", CHUNK_TEXT)
    assert not quote_is_verbatim("", CHUNK_TEXT)
