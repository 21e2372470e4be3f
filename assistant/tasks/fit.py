"""How well two records' stated terms fit: maturity, cooperation mode, budget vs price.

Pure functions over the strings the sample data and common platforms use ("中试",
"TRL6", "许可、作价投资", "50-100万元", "面议"). Each returns a score in [0, 1] and a
reason a person can read, or ``None`` when either side does not state the term — an
unstated term is neither a match nor a mismatch.

Usage example::

    maturity_fit("中试", "TRL5")        # (1.0, "成熟度：中试，满足TRL5及以上要求")
    money_fit("50-100万元", "80万元")    # (1.0, "价格：80万元，在预算50-100万元内")
"""

from __future__ import annotations

import re

__all__ = ["cooperation_fit", "cooperation_modes", "maturity_fit", "maturity_level", "money_fit", "parse_money"]

Fit = tuple[float, str] | None

# Simplified stages mapped onto TRL (BRIEF §4.5, marked there as the authors' synthesis).
STAGE_TRL = {
    "研发中": 2,
    "正在研发": 2,
    "样品": 4,
    "已有样品": 4,
    "小试": 5,
    "通过小试": 5,
    "中试": 6,
    "通过中试": 6,
    "量产": 8,
    "可以量产": 8,
}
MODES = ("转让", "许可", "作价投资", "合作开发", "技术服务", "技术咨询", "技术入股", "委托开发")
MODE_ALIASES = {"技术入股": "作价投资", "委托开发": "合作开发"}
NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


def maturity_level(text: str) -> int | None:
    """TRL 1–9 of "TRL6", "中试" and the like; ``None`` when unstated."""
    if not text:
        return None
    if match := re.search(r"TRL\s*(\d)", text, re.I):
        return int(match.group(1))
    return next((level for stage, level in STAGE_TRL.items() if stage in text), None)


def maturity_fit(offered: str, required: str) -> Fit:
    """Does the technology's maturity meet what the demand needs? Each TRL short costs 0.25."""
    have, need = maturity_level(offered), maturity_level(required)
    if have is None or need is None:
        return None
    if have >= need:
        return 1.0, f"成熟度：{offered}，满足{required}及以上要求"
    return max(0.0, 1 - 0.25 * (need - have)), f"成熟度：{offered}，低于期望的{required}"


def cooperation_modes(text: str) -> set[str]:
    """The cooperation modes a 合作方式 field names, aliases folded (技术入股 → 作价投资)."""
    return {MODE_ALIASES.get(m, m) for m in MODES if m in text}


def cooperation_fit(offered: str, wanted: str) -> Fit:
    """Do the two sides accept a common way to cooperate (转让, 许可, 作价投资 …)?"""
    have, want = cooperation_modes(offered), cooperation_modes(wanted)
    if not have or not want:
        return None
    common = have & want
    if common:
        return 1.0, f"合作方式：{'、'.join(sorted(common))} ✓"
    return 0.0, f"合作方式不一致：对方可{'、'.join(sorted(have))}"


def parse_money(text: str) -> tuple[float, float] | None:
    """(low, high) in 万元 of "50-100万元", "≤30万元", "80万元"; ``None`` for 面议 or nothing."""
    if not text or "面议" in text:
        return None
    numbers = [float(n) for n in NUMBER.findall(text)]
    if not numbers:
        return None
    scale = 10000.0 if "亿" in text else (1.0 if "万" in text else 0.0001)
    if re.search(r"[≤<]|以下|以内|不超过", text):
        return 0.0, numbers[0] * scale
    return min(numbers) * scale, max(numbers) * scale


def money_fit(budget: str, price: str) -> Fit:
    """Is the asking price within the demand's budget? Over budget scores by how far over."""
    have, want = parse_money(price), parse_money(budget)
    if have is None or want is None:
        return None
    if have[1] <= want[1]:
        return 1.0, f"价格：{price}，在预算{budget}内"
    if have[0] <= want[1]:
        return 0.8, f"价格：{price}，与预算{budget}部分重叠，需议价"
    return max(0.0, want[1] / have[0]), f"价格：{price}，高于预算{budget}"
