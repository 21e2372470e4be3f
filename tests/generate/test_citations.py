"""Citation markers: which sentence cites what."""

from __future__ import annotations

from assistant.generate.citations import claims


def test_markers_after_the_full_stop_belong_to_the_sentence_before() -> None:
    assert claims("净收入的70%奖励团队。[1][2]报告三月底前报送[3]。过渡句。") == [
        ("净收入的70%奖励团队。[1][2]", [1, 2]),
        ("报告三月底前报送[3]。", [3]),
        ("过渡句。", []),
    ]
