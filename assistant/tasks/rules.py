"""The rule base and the reward calculator: pure functions over rules with numbers and articles.

The rule base (``knowledge/rules/*.csv``) is indexed as policy text; :func:`load_rules` reads
its chunks through the index once and parses each into a :class:`~assistant.domain.Rule`.
Everything after that is pure: :func:`compute_reward` takes the rules and a
:class:`RewardRequest` and returns every figure with the step and the article it comes from.

How the rules combine (what the texts say, not more):

- the national standard (促进科技成果转化法第四十五条第一款) applies when the unit has neither a
  rule nor an agreement with its researchers (第四十五条第一款; 上海条例第三十三条第二款);
- for state-established institutes and universities it is also a floor under their own rules
  (第四十五条第二款): the binding share is the higher of the unit's share and the standard;
- a regional standard that the region only *permits* units to adopt (上海条例第三十四条: 允许…可以)
  is shown with its amount but binds only through the unit's own rule;
- taxes appear only where a rule of the region states one (上海条例第三十八条: deferral on equity).

Usage example::

    rules = load_rules(index, Audience.public())
    reward = compute_reward(rules, RewardRequest("转让", Decimal(2_000_000), Decimal(100_000), region="上海"))
    reward.binding.min_amount   # Decimal('950000.00')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from assistant.domain import Rule
from assistant.errors import InputError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.records import Chunk, DocType

__all__ = [
    "INSTITUTION_KINDS",
    "MODES",
    "NATIONAL",
    "Reward",
    "RewardRequest",
    "RuleBase",
    "Share",
    "Step",
    "compute_reward",
    "load_rules",
    "normalise_mode",
    "normalise_region",
    "yuan",
]

NATIONAL = "全国"
MODES = ("转让", "许可", "作价投资", "自行实施", "合作实施")
MODE_ALIASES = {"技术入股": "作价投资", "作价入股": "作价投资", "入股": "作价投资", "投资": "作价投资",
                "自行投资实施": "自行实施", "实施": "自行实施", "共同实施": "合作实施"}  # fmt: skip
# The rule quantity that gives the team's share under each mode, and what the income means.
SHARE_QUANTITY = {
    "转让": "净收入奖励比例",
    "许可": "净收入奖励比例",
    "作价投资": "股权奖励比例",
    "自行实施": "营业利润奖励比例",
    "合作实施": "营业利润奖励比例",
}
INCOME_LABEL = {"转让": "转让收入", "许可": "许可收入", "作价投资": "作价投资形成的股份价值",
                "自行实施": "年营业利润", "合作实施": "年营业利润"}  # fmt: skip
NET_INCOME_DEFINITION = "净收入口径"
FLOOR = "下限"
TAX = "税收"
UNIT_RULE_ID = "本单位"
UNIT_RULE = "CN-TL-44"  # a unit may set its own share (促进科技成果转化法第四十四条第二款)
# Which rule-base institutions bind each kind of unit the calculator is asked about. A region's
# rules name their own institutions (上海: 本市研发机构、高等院校 = 本市设立和国家在本市设立的, 条例第八条).
INSTITUTION_KINDS: dict[str, tuple[str, ...]] = {
    "国家设立": ("科技成果完成单位", "国家设立的研究开发机构、高等院校", "本市研发机构、高等院校", "科研事业单位"),
    "地方设立": ("科技成果完成单位", "本市研发机构、高等院校", "本市设立的研究开发机构、高等院校", "科研事业单位"),
    "其他": ("科技成果完成单位",),
}
INSTITUTION_ALIASES = {"national": "国家设立", "local": "地方设立", "本市设立": "地方设立", "other": "其他",
                       "企业": "其他", "其他单位": "其他"}  # fmt: skip
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def normalise_region(text: str | None) -> str:
    """全国 for nothing, 中国 or 国家; else the name without 市/省 ("上海市" → "上海")."""
    name = unicodedata.normalize("NFKC", text or "").strip()
    if name in ("", "中国", "国家", "全国", "national"):
        return NATIONAL
    return re.sub(r"(特别行政区|自治区|省|市)$", "", name) or NATIONAL


def normalise_mode(text: str) -> str:
    """One of :data:`MODES` ("技术入股" → 作价投资).

    :raises InputError: an unknown mode; the message lists the valid ones.
    """
    name = unicodedata.normalize("NFKC", text).strip()
    if name in MODES:
        return name
    if name in MODE_ALIASES:
        return MODE_ALIASES[name]
    raise InputError(f"未知的转化方式 {text!r}；可选：{'、'.join(MODES)}")


def normalise_institution(text: str | None) -> str:
    """One of :data:`INSTITUTION_KINDS` (default 国家设立: the public universities and institutes).

    :raises InputError: an unknown kind; the message lists the valid ones.
    """
    name = unicodedata.normalize("NFKC", text or "国家设立").strip()
    name = INSTITUTION_ALIASES.get(name, name)
    if name not in INSTITUTION_KINDS:
        raise InputError(f"未知的单位类型 {text!r}；可选：{'、'.join(INSTITUTION_KINDS)}")
    return name


def yuan(amount: Decimal) -> str:
    """An amount as people read it: 1,900,000元 (190万元)."""
    amount = amount.quantize(CENT, ROUND_HALF_UP)
    plain = f"{amount:,.2f}".removesuffix(".00")
    wan = amount / 10_000
    if amount >= 10_000:
        return f"{plain}元（{wan.normalize():f}万元）" if wan == wan.quantize(CENT) else f"{plain}元（约{wan:.2f}万元）"
    return f"{plain}元"


def _percent(fraction: Decimal) -> str:
    return f"{(fraction * HUNDRED).normalize():f}%"


def _number(value: Decimal | None) -> int | float | None:
    """A JSON number: an int when whole (yuan amounts usually are), else a float."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class RuleBase:
    """The parsed rule base; selection helpers only, no arithmetic."""

    rules: tuple[Rule, ...]

    @classmethod
    def from_chunks(cls, chunks: Iterable[Chunk]) -> RuleBase:
        """Rules of the chunks that are rule rows (other policy chunks are skipped), sorted by id."""
        rules = {c.doc_id: Rule.from_chunk(c) for c in chunks if Rule.is_rule(c)}
        return cls(tuple(sorted(rules.values(), key=lambda r: (r.region != NATIONAL, r.region, r.id))))

    @property
    def regions(self) -> set[str]:
        return {rule.region for rule in self.rules}

    def covers(self, region: str) -> bool:
        """Does the base hold rules of ``region`` itself (全国 always counts as covered)?"""
        return region == NATIONAL or region in self.regions

    def select(self, *, region: str | None = None, mode: str | None = None) -> list[Rule]:
        """The rules in force in ``region`` (the national ones plus the region's own) for ``mode``."""
        wanted = normalise_region(region) if region else None
        chosen = [r for r in self.rules if wanted is None or r.region in (NATIONAL, wanted)]
        if mode:
            chosen = [r for r in chosen if r.covers(normalise_mode(mode))]
        return chosen

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def find(self, region: str, quantity: str, *, mode: str | None = None, kind: str | None = None) -> list[Rule]:
        """Rules of exactly ``region`` stating ``quantity`` (for ``mode`` and binding ``kind`` when given)."""
        found = [r for r in self.rules if r.region == region and r.quantity == quantity]
        if mode:
            found = [r for r in found if r.covers(mode)]
        if kind:
            found = [r for r in found if r.institution in INSTITUTION_KINDS[kind]]
        return found

    def by_force(self, region: str, force: str, *, mode: str, kind: str) -> list[Rule]:
        return [
            r
            for r in self.rules
            if r.region == region and r.force == force and r.covers(mode) and r.institution in INSTITUTION_KINDS[kind]
        ]


def load_rules(index: KnowledgeIndex, audience: Audience) -> RuleBase:
    """The rule base as ``audience`` may see it (the rules shipped are public), parsed once."""
    return RuleBase.from_chunks(index.records(DocType.POLICY, audience))


@dataclass(frozen=True)
class RewardRequest:
    """What the calculator is asked: amounts in yuan; ``unit_share`` in percent when the unit has its own."""

    mode: str
    income: Decimal
    costs: Decimal | None = None
    region: str = NATIONAL
    institution: str | None = None  # None: 国家设立
    unit_share: Decimal | None = None


@dataclass(frozen=True)
class Share:
    """A minimum team share under one rule (or the unit's own), and its amount."""

    rule_id: str
    region: str
    min_share: Decimal  # a fraction: 0.5 is 50%
    min_amount: Decimal
    years: int | None
    basis: str
    rule: Rule | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "region": self.region,
            "min_share": _number(self.min_share),
            "min_amount": _number(self.min_amount),
            "years": self.years,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Step:
    """One step of the computation and the article it rests on ("" for plain arithmetic)."""

    text: str
    basis: str = ""
    rule: Rule | None = None

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "basis": self.basis}


@dataclass(frozen=True)
class Reward:
    """The computed reward: every share, the binding one, and the steps with their citations."""

    mode: str
    region: str
    institution: str
    income: Decimal
    net_income: Decimal | None
    shares: tuple[Share, ...]
    binding: Share
    steps: tuple[Step, ...]
    notes: tuple[str, ...]
    covered: bool
    cited: tuple[Rule, ...] = ()  # every rule a step or note rests on, once

    def to_dict(self) -> dict[str, Any]:
        """Exactly the ``kezhuan reward --json`` keys (DESIGN.md)."""
        return {
            "mode": self.mode,
            "region": self.region,
            "income": _number(self.income),
            "net_income": _number(self.net_income),
            "shares": [s.to_dict() for s in self.shares],
            "steps": [s.to_dict() for s in self.steps],
            "notes": list(self.notes),
        }


def compute_reward(rules: RuleBase, request: RewardRequest) -> Reward:
    """Net income, the minimum team share under each applicable rule, and which one binds.

    :raises InputError: an unknown mode or unit kind, a negative amount, costs for a mode that
        deducts none, costs above the income, or a rule base without the national rule.
    """
    mode = normalise_mode(request.mode)
    region = normalise_region(request.region)
    kind = normalise_institution(request.institution)
    income, costs = request.income, request.costs
    if income < 0 or (costs is not None and costs < 0):
        raise InputError("金额不能为负数")
    national = rules.find(NATIONAL, SHARE_QUANTITY[mode], mode=mode)
    if not national:
        raise InputError(f"规则库中没有{mode}的国家标准；请先索引 knowledge/rules/（kezhuan ingest knowledge/）")
    steps: list[Step] = []
    notes: list[str] = []
    cited: list[Rule] = []

    base, net = _base(rules, mode, region, income, costs, steps, notes, cited)
    standard = national[0]
    cited.append(standard)
    shares = [_share(standard, base, mode, steps)]
    floors = rules.by_force(NATIONAL, FLOOR, mode=mode, kind=kind)
    if floors:
        cited.append(floors[0])
        steps.append(
            Step(
                f"本单位是{kind}的研究开发机构、高等院校：自定的奖励比例也不能低于国家标准"
                f"{_percent(shares[0].min_share)}。",
                floors[0].basis,
                floors[0],
            )
        )
    covered = rules.covers(region)
    if region != NATIONAL:
        for rule in rules.find(region, SHARE_QUANTITY[mode], mode=mode, kind=kind):
            cited.append(rule)
            shares.append(_share(rule, base, mode, steps))
        if not covered:
            notes.append(
                f"知识库中没有{region}的地方规则，以上只按国家标准计算；{region}的地方规定请向当地主管部门核实。"
            )
    unit = _unit_share(rules, region, request.unit_share, base, shares[0], cited)
    if unit is not None:
        shares.append(unit)
    binding = _binding(rules, region, kind, shares[0], unit, steps, notes, cited, floors)
    _taxes(rules, region, mode, notes, cited)
    return Reward(
        mode=mode,
        region=region,
        institution=kind,
        income=income,
        net_income=net,
        shares=tuple(shares),
        binding=binding,
        steps=tuple(steps),
        notes=tuple(notes),
        covered=covered,
        cited=tuple({r.id: r for r in cited}.values()),
    )


def _base(
    rules: RuleBase,
    mode: str,
    region: str,
    income: Decimal,
    costs: Decimal | None,
    steps: list[Step],
    notes: list[str],
    cited: list[Rule],
) -> tuple[Decimal, Decimal | None]:
    """What the share is taken of (net income, the equity's value, the year's profit), with its step."""
    if mode not in ("转让", "许可"):
        if costs:
            raise InputError(f"{mode}不扣除费用：--costs 只用于转让、许可（净收入 = 收入 − 扣除项）")
        steps.append(Step(f"计提基数：{INCOME_LABEL[mode]} {yuan(income)}。"))
        return income, None
    deducted = costs or Decimal(0)
    if deducted > income:
        raise InputError(f"扣除项 {yuan(deducted)} 超过{INCOME_LABEL[mode]} {yuan(income)}：净收入不能为负")
    net = income - deducted
    definition = (rules.find(region, NET_INCOME_DEFINITION, mode=mode) if region != NATIONAL else []) or rules.find(
        NATIONAL, NET_INCOME_DEFINITION, mode=mode
    )
    arithmetic = f"净收入 = {INCOME_LABEL[mode]} {yuan(income)} − 扣除项 {yuan(deducted)} = {yuan(net)}"
    if definition:
        rule = definition[0]
        cited.append(rule)
        steps.append(Step(f"{arithmetic}；可扣除的是：{'、'.join(rule.deductions)}。", rule.basis, rule))
    else:
        steps.append(Step(f"{arithmetic}。"))
        notes.append("国家法律未列明净收入的扣除项；此处按输入的扣除额计算，扣除口径以本单位制度为准。")
    return net, net


def _share(rule: Rule, base: Decimal, mode: str, steps: list[Step]) -> Share:
    fraction = (rule.number or Decimal(0)) / HUNDRED
    amount = (base * fraction).quantize(CENT, ROUND_HALF_UP)
    years = rule.years[0] if rule.years else None
    who = "国家标准" if rule.region == NATIONAL else f"{rule.region}标准"
    force = "（单位可采用的标准，以本单位制度或约定为准）" if rule.force == "允许" else ""
    if rule.years:
        span = f"{rule.years[0]}至{rule.years[1]}年" if rule.years[0] != rule.years[1] else f"{rule.years[0]}年"
        text = f"{who}{force}：连续{span}，每年至少 {_percent(fraction)} × {yuan(base)} = {yuan(amount)}。"
    else:
        text = f"{who}{force}：至少 {_percent(fraction)} × {yuan(base)} = {yuan(amount)}。"
    steps.append(Step(text, rule.basis, rule))
    return Share(rule.id, rule.region, fraction, amount, years, rule.basis, rule)


def _unit_share(
    rules: RuleBase, region: str, percent: Decimal | None, base: Decimal, standard: Share, cited: list[Rule]
) -> Share | None:
    """The unit's own share (its rule or agreement), when it has one."""
    if percent is None:
        return None
    if not 0 <= percent <= HUNDRED:
        raise InputError("本单位比例应在 0 到 100 之间（百分比）")
    fraction = percent / HUNDRED
    own_rule = rules.get(UNIT_RULE)
    if own_rule:
        cited.append(own_rule)
    amount = (base * fraction).quantize(CENT, ROUND_HALF_UP)
    basis = own_rule.basis if own_rule else "本单位规定或约定"
    return Share(UNIT_RULE_ID, region, fraction, amount, standard.years, basis, own_rule)


def _binding(
    rules: RuleBase,
    region: str,
    kind: str,
    standard: Share,
    unit: Share | None,
    steps: list[Step],
    notes: list[str],
    cited: list[Rule],
    floors: list[Rule],
) -> Share:
    """The share that binds: the national standard without a unit rule, else the unit's (never below a floor)."""
    if unit is None:
        default = rules.find(region, "未规定时适用国家标准", kind=kind) if region != NATIONAL else []
        rule = default[0] if default else standard.rule
        if default:
            cited.append(default[0])
        steps.append(
            Step(
                f"本单位未规定也未与团队约定比例时，按国家标准执行：团队至少 {yuan(standard.min_amount)}。",
                rule.basis if rule else standard.basis,
                rule,
            )
        )
        return standard
    if floors and unit.min_share < standard.min_share:
        notes.append(
            f"本单位比例 {_percent(unit.min_share)} 低于国家标准 {_percent(standard.min_share)}；"
            f"{kind}的研究开发机构、高等院校的规定不能低于该标准，按国家标准执行。"
        )
        steps.append(
            Step(f"适用：国家标准（下限），团队至少 {yuan(standard.min_amount)}。", floors[0].basis, floors[0])
        )
        return standard
    steps.append(
        Step(
            f"本单位规定的比例 {_percent(unit.min_share)} × 计提基数 = {yuan(unit.min_amount)}，按本单位规定执行。",
            unit.basis,
            unit.rule,
        )
    )
    return unit


def _taxes(rules: RuleBase, region: str, mode: str, notes: list[str], cited: list[Rule]) -> None:
    """Tax notes only where the region (or the nation) has a cited rule; cash rewards get none of ours."""
    found = [r for r in rules.rules if r.force == TAX and r.region in (NATIONAL, region) and r.covers(mode)]
    for rule in found:
        cited.append(rule)
        notes.append(f"税收：{rule.statement}（{rule.basis}）")
    if mode != "作价投资":
        notes.append("现金奖励的个人所得税：知识库中没有可计算的规则，本测算不含税。")
