"""Stated-term fits worked out by hand, on typed records built from hand-made chunks."""

from __future__ import annotations

import pytest

from assistant.domain import Demand, Maturity, Money, Patent
from assistant.records import Chunk, DocType
from assistant.tasks.fit import cooperation_fit, industry_fit, maturity_fit, money_fit, term_fits


def patent(**meta: str) -> Patent:
    return Patent.from_chunk(Chunk("CN1", DocType.PATENT, "一种隔膜", "patents/p.csv", "第1行", "一种隔膜", meta=meta))


def demand(**meta: str) -> Demand:
    return Demand.from_chunk(Chunk("D-1", DocType.DEMAND, "隔膜需求", "demands/d.csv", "第1行", "需要隔膜", meta=meta))


def test_maturity_fit_scores_the_gap() -> None:
    assert maturity_fit(Maturity.parse("中试"), Maturity.parse("TRL5")) == (1.0, "成熟度：中试，满足TRL5及以上要求")
    assert maturity_fit(Maturity.parse("样品"), Maturity.parse("中试"))[0] == pytest.approx(0.5)  # type: ignore[index]
    assert maturity_fit(Maturity.parse("TRL1"), Maturity.parse("量产"))[0] == 0.0  # type: ignore[index]
    assert maturity_fit(Maturity.parse(""), Maturity.parse("中试")) is None


def test_cooperation_fit_on_folded_modes() -> None:
    assert cooperation_fit(patent(cooperation_mode="许可、作价投资").cooperation_modes, ("作价投资",)) == (
        1.0,
        "合作方式：作价投资 ✓",
    )
    assert cooperation_fit(("转让",), ("许可",)) == (0.0, "合作方式不一致：对方可转让")
    assert cooperation_fit(("转让",), ()) is None


def test_money_fit_within_overlapping_and_over_budget() -> None:
    assert money_fit(Money.parse("50-100万元"), Money.parse("80万元")) == (1.0, "价格：80万元，在预算50-100万元内")
    assert money_fit(Money.parse("≤30万元"), Money.parse("30-60万元"))[0] == 0.8  # type: ignore[index]
    assert money_fit(Money.parse("≤30万元"), Money.parse("60万元"))[0] == pytest.approx(0.5)  # type: ignore[index]
    assert money_fit(Money.parse("100万元以上"), Money.parse("500万元"))[0] == 1.0  # type: ignore[index]
    assert money_fit(Money.parse("面议"), Money.parse("60万元")) is None


def test_industry_fit_on_any_label_names_the_main_subclass() -> None:
    offer = patent(industry="汽车/新能源汽车", ipc="B60L 58/12；H01M 10/44")
    assert industry_fit(demand(industry="新能源汽车"), offer) == (1.0, "技术领域一致：新能源汽车（B60L）")
    assert industry_fit(demand(industry="生物医药"), offer) == (0.0, "产业不同：需求属生物医药，技术属汽车/新能源汽车")
    assert industry_fit(demand(), offer) is None


def test_term_fits_only_counts_terms_both_sides_state() -> None:
    offer = patent(industry="先进材料", maturity="中试", cooperation_mode="许可", asking_price="面议")
    wanted = demand(industry="先进材料", required_maturity="", cooperation_mode="技术入股", budget="50-100万元")
    fits = term_fits(wanted, offer)
    assert [score for score, _ in fits] == [1.0, 0.0]  # industry, cooperation; maturity and money unstated
    assert fits[1][1] == "合作方式不一致：对方可许可"
