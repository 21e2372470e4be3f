"""How well a technology's stated terms fit a demand's: industry, maturity, cooperation mode, price.

Pure functions over the typed records of :mod:`assistant.domain` (the parsing of "中试",
"许可、作价投资" or "50-100万元" lives there). Each returns a score in [0, 1] and a reason a
person can read, or ``None`` when either side does not state the term — an unstated term
is neither a match nor a mismatch.

Usage example::

    maturity_fit(Maturity.parse("中试"), Maturity.parse("TRL5"))  # (1.0, "成熟度：中试，满足TRL5及以上要求")
    money_fit(Money.parse("50-100万元"), Money.parse("80万元"))  # (1.0, "价格：80万元，在预算50-100万元内")
"""

from __future__ import annotations

from assistant.domain import Demand, Maturity, Money, Patent, maturity_level

__all__ = ["Fit", "cooperation_fit", "industry_fit", "maturity_fit", "maturity_level", "money_fit", "term_fits"]
# maturity_level is re-exported for tasks/disclosure.py, which still imports it from here.

Fit = tuple[float, str] | None
MATURITY_STEP_COST = 0.25  # each TRL short of the demand's wish costs a quarter of the score


def term_fits(demand: Demand, offer: Patent) -> list[tuple[float, str]]:
    """The terms both sides state, scored, in the order reasons are shown."""
    fits = [
        industry_fit(demand, offer),
        maturity_fit(offer.maturity, demand.required_maturity),
        cooperation_fit(offer.cooperation_modes, demand.cooperation_modes),
        money_fit(demand.budget, offer.asking_price),
    ]
    return [fit for fit in fits if fit is not None]


def industry_fit(demand: Demand, offer: Patent) -> Fit:
    """Do the two share an industry label? The technology's main IPC subclass names its field."""
    if not demand.industries or not offer.industries:
        return None
    common = [label for label in demand.industries if offer.in_industry(label)]
    if common:
        subclass = f"（{offer.ipc_subclasses[0]}）" if offer.ipc_subclasses else ""
        return 1.0, f"技术领域一致：{'、'.join(sorted(common))}{subclass}"
    return 0.0, f"产业不同：需求属{'/'.join(demand.industries)}，技术属{'/'.join(offer.industries)}"


def maturity_fit(offered: Maturity, required: Maturity) -> Fit:
    """Does the technology's maturity meet what the demand needs?"""
    if offered.trl is None or required.trl is None:
        return None
    if offered.trl >= required.trl:
        return 1.0, f"成熟度：{offered}，满足{required}及以上要求"
    return max(0.0, 1 - MATURITY_STEP_COST * (required.trl - offered.trl)), f"成熟度：{offered}，低于期望的{required}"


def cooperation_fit(offered: tuple[str, ...], wanted: tuple[str, ...]) -> Fit:
    """Do the two sides accept a common way to cooperate (转让, 许可, 作价投资 …)?"""
    if not offered or not wanted:
        return None
    common = set(offered) & set(wanted)
    if common:
        return 1.0, f"合作方式：{'、'.join(sorted(common))} ✓"
    return 0.0, f"合作方式不一致：对方可{'、'.join(sorted(offered))}"


def money_fit(budget: Money, price: Money) -> Fit:
    """Is the asking price within the demand's budget? Over budget scores by how far over."""
    if price.bounds is None or budget.bounds is None:
        return None
    (price_low, price_high), (_, budget_high) = price.bounds, budget.bounds
    if price_high <= budget_high:
        return 1.0, f"价格：{price}，在预算{budget}内"
    if price_low <= budget_high:
        return 0.8, f"价格：{price}，与预算{budget}部分重叠，需议价"
    return max(0.0, budget_high / price_low), f"价格：{price}，高于预算{budget}"
