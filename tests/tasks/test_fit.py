"""Stated-term fits worked out by hand."""

from __future__ import annotations

import pytest

from assistant.tasks.fit import cooperation_fit, maturity_fit, maturity_level, money_fit, parse_money


@pytest.mark.parametrize(
    ("text", "level"), [("TRL6", 6), ("通过中试", 6), ("量产", 8), ("样品", 4), ("", None), ("未知", None)]
)
def test_maturity_level(text: str, level: int | None) -> None:
    assert maturity_level(text) == level


def test_maturity_fit_scores_the_gap() -> None:
    assert maturity_fit("中试", "TRL5") == (1.0, "成熟度：中试，满足TRL5及以上要求")
    assert maturity_fit("样品", "中试")[0] == pytest.approx(0.5)  # type: ignore[index]
    assert maturity_fit("", "中试") is None


def test_cooperation_fit_uses_aliases() -> None:
    assert cooperation_fit("许可、作价投资", "技术入股")[0] == 1.0  # type: ignore[index]
    assert cooperation_fit("转让", "许可")[0] == 0.0  # type: ignore[index]
    assert cooperation_fit("转让", "") is None


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("50-100万元", (50.0, 100.0)),
        ("≤30万元", (0.0, 30.0)),
        ("80万元", (80.0, 80.0)),
        ("1.2亿元", (12000.0, 12000.0)),
        ("面议", None),
    ],
)
def test_parse_money(text: str, parsed: tuple[float, float] | None) -> None:
    assert parse_money(text) == parsed


def test_money_fit_within_overlapping_and_over_budget() -> None:
    assert money_fit("50-100万元", "80万元")[0] == 1.0  # type: ignore[index]
    assert money_fit("≤30万元", "30-60万元")[0] == 0.8  # type: ignore[index]
    assert money_fit("≤30万元", "60万元")[0] == pytest.approx(0.5)  # type: ignore[index]
    assert money_fit("面议", "60万元") is None
