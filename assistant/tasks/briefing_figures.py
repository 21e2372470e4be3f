"""A briefing's figures and charts, counted from the records in scope.

Each figure is one number with what it counts and over which records, so an officer can
check it by hand; the charts arrange the same counts for plotting (rendering is in
:mod:`assistant.report.charts`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.domain import Agency, Demand, Disclosure, Money, Patent, maturity_level
from assistant.index.visibility import Role
from assistant.tasks.briefing_scope import Scope

__all__ = ["MATCHED_CONFIDENCE", "MATCH_THRESHOLD", "Chart", "Figure", "count_figures", "draw_charts"]

IPC_SECTIONS = {
    "A": "人类生活必需",
    "B": "作业、运输",
    "C": "化学、冶金",
    "D": "纺织、造纸",
    "E": "固定建筑物",
    "F": "机械工程",
    "G": "物理",
    "H": "电学",
}
LEGAL_STATUS_ORDER = ("实质审查", "授权", "有效", "失效", "驳回")
# The cooperation modes the knowledge base offers (knowledge/README.md), in chart order;
# records naming others (技术咨询) are read but not charted.
CHARTED_MODES = ("转让", "许可", "作价投资", "合作开发", "技术服务")
# Budget ranges by their upper bound in 万元; 面议 and blanks are their own bucket.
BUDGET_BUCKETS = ((30, "30万元及以下"), (100, "30–100万元"), (300, "100–300万元"), (float("inf"), "300万元以上"))
NEGOTIABLE = "面议或未填"
UNSTATED = "未填"
UNCLASSIFIED = "未分类"
# A demand counts as matched when its best public patent has the matcher's absolute confidence
# 高 (assistant/tasks/confidence.py) — the same judgement the matching page shows. Pairs are
# forwarded to enterprises, so 中 ("look before forwarding") is not enough: on the shipped
# demands most near misses without a suitable patent are 中 (evals/REPORT.md, Matching #15).
MATCH_THRESHOLD = "可信度为高"
MATCHED_CONFIDENCE = ("高",)
HIGH_MATURITY_TRL = 6


@dataclass(frozen=True)
class Figure:
    """One number of the briefing, with what it counts and over which records."""

    name: str
    value: int
    counted_over: str
    group: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "counted_over": self.counted_over}


@dataclass(frozen=True)
class Chart:
    """A bar chart's data: several series are stacked (parts of a whole) or side by side (compared)."""

    title: str
    categories: tuple[str, ...]
    series: dict[str, tuple[int, ...]]
    unit: str = "项"
    stacked: bool = True


def section_label(patent: Patent) -> str:
    """The section of a record's main IPC code with its name ("H 电学"), or 未分类."""
    section = patent.ipc_section
    return f"{section} {IPC_SECTIONS.get(section, '')}".strip() if section else UNCLASSIFIED


def offered_modes(record: Patent | Demand) -> list[str]:
    """The briefing's five modes a record names, in their fixed order."""
    return [mode for mode in CHARTED_MODES if mode in record.cooperation_modes]


def budget_bucket(budget: Money) -> str:
    """The budget range a demand's 预算区间 falls in, by its upper bound."""
    if budget.bounds is None:
        return NEGOTIABLE
    return next(label for bound, label in BUDGET_BUCKETS if budget.bounds[1] <= bound)


def maturity_label(patent: Patent) -> str:
    return patent.maturity.text or UNSTATED


def status_label(patent: Patent) -> str:
    return patent.legal_status or UNSTATED


def maturity_order(label: str) -> tuple[int, str]:
    return (maturity_level(label) or 0, label)


# -- figures and charts --------------------------------------------------------------------
def count_figures(
    scope: Scope,
    patents: Sequence[Patent],
    demands: Sequence[Demand],
    disclosures: Sequence[Disclosure],
    agencies: Sequence[Agency],
    matched_demands: int,
    role: Role,
) -> list[Figure]:
    """Totals first (group 总量), then one figure per category of each distribution."""
    where = scope.describe()
    over_patents = f"范围内的专利/成果记录 {len(patents)} 条（{where}）"
    over_demands = f"范围内的企业需求 {len(demands)} 条（{where}）"
    in_force = sum(1 for p in patents if p.in_force)
    mature = sum(1 for p in patents if (p.maturity.trl or 0) >= HIGH_MATURITY_TRL)
    figures = [
        Figure("成果总数", len(patents), f"专利/成果记录（{where}）", "总量"),
        Figure("有效或已授权的成果", in_force, over_patents + "，法律状态为授权或有效", "总量"),
        Figure(
            f"成熟度达到TRL{HIGH_MATURITY_TRL}及以上的成果",
            mature,
            over_patents + "，成熟度折算为TRL（中试≈TRL6，量产≈TRL8）",
            "总量",
        ),
        Figure(
            "企业需求总数",
            len(demands),
            f"企业需求记录（{where}" + (f"；截止日期不早于{scope.since}）" if scope.since else "）"),
            "总量",
        ),
        Figure(
            f"有{MATCH_THRESHOLD}成果的需求",
            matched_demands,
            over_demands + "，每项需求取匹配工作流排名第一的公开成果",
            "总量",
        ),
        Figure(
            "可提供服务的白名单机构",
            len(agencies),
            f"白名单机构（服务领域含{scope.industry}或不限）" if scope.industry else "全部白名单机构",
            "总量",
        ),
    ]
    if role is Role.OFFICER:
        figures.append(
            Figure("处于披露阶段的保密成果", len(disclosures), f"保密披露文档（仅计数，不引用；{where}）", "总量")
        )
    figures += _counted(
        "成果按所属产业", Counter(p.main_industry for p in patents), over_patents + "，按第一个产业标签"
    )
    figures += _counted("成果按IPC部", Counter(section_label(p) for p in patents), over_patents + "，按主分类号")
    figures += _counted("成果按成熟度", Counter(maturity_label(p) for p in patents), over_patents, order=maturity_order)
    figures += _counted("成果按法律状态", Counter(status_label(p) for p in patents), over_patents, order=status_order)
    figures += _counted(
        "成果按合作方式",
        Counter(m for p in patents for m in offered_modes(p)),
        over_patents + "，一项成果可有多种方式",
        order=_mode_order,
    )
    figures += _counted(
        "需求按所属行业", Counter(d.main_industry for d in demands), over_demands + "，按第一个行业标签"
    )
    figures += _counted(
        "需求按合作方式",
        Counter(m for d in demands for m in offered_modes(d)),
        over_demands + "，一项需求可有多种方式",
        order=_mode_order,
    )
    figures += _counted(
        "需求按预算区间",
        Counter(budget_bucket(d.budget) for d in demands),
        over_demands + "，按预算上限归档",
        order=_budget_order,
    )
    return figures


def _counted(
    group: str,
    counts: Counter[str],
    counted_over: str,
    *,
    order: Callable[[str], Any] | None = None,
) -> list[Figure]:
    labels = sorted(counts, key=order) if order else [label for label, _ in counts.most_common()]
    return [Figure(f"{group}：{label}", counts[label], counted_over, group) for label in labels]


def status_order(label: str) -> tuple[int, str]:
    return (LEGAL_STATUS_ORDER.index(label) if label in LEGAL_STATUS_ORDER else len(LEGAL_STATUS_ORDER), label)


def _mode_order(label: str) -> int:
    return CHARTED_MODES.index(label)


def _budget_order(label: str) -> int:
    labels = [name for _, name in BUDGET_BUCKETS] + [NEGOTIABLE]
    return labels.index(label)


def draw_charts(patents: Sequence[Patent], demands: Sequence[Demand]) -> list[Chart]:
    """The main distributions; the same counts as the figures, arranged for plotting."""
    charts = []
    maturities = sorted({maturity_label(p) for p in patents}, key=maturity_order)
    statuses = sorted({status_label(p) for p in patents}, key=status_order)
    if patents:
        charts.append(
            _stacked(
                "成果按成熟度与法律状态",
                maturities,
                statuses,
                [(maturity_label(p), status_label(p)) for p in patents],
            )
        )
        sections = Counter(section_label(p) for p in patents)
        labels = tuple(sorted(sections))
        charts.append(Chart("成果按IPC部", labels, {"成果": tuple(sections[s] for s in labels)}))
    buckets = [name for _, name in BUDGET_BUCKETS] + [NEGOTIABLE]
    industries = [label for label, _ in Counter(d.main_industry for d in demands).most_common()]
    if len(industries) == 1:
        budgets = Counter(budget_bucket(d.budget) for d in demands)
        charts.append(
            Chart(f"{industries[0]}需求按预算区间", tuple(buckets), {"需求": tuple(budgets[b] for b in buckets)})
        )
    elif demands:
        charts.append(
            _stacked(
                "需求按行业与预算区间",
                industries,
                buckets,
                [(d.main_industry, budget_bucket(d.budget)) for d in demands],
            )
        )
    if patents or demands:
        supply = Counter(m for p in patents for m in offered_modes(p))
        demand = Counter(m for d in demands for m in offered_modes(d))
        charts.append(
            Chart(
                "合作方式：成果可提供与需求期望",
                CHARTED_MODES,
                {
                    "成果": tuple(supply[m] for m in CHARTED_MODES),
                    "需求": tuple(demand[m] for m in CHARTED_MODES),
                },
                stacked=False,
            )
        )
    return charts


def _stacked(title: str, categories: Sequence[str], stacks: Sequence[str], rows: Iterable[tuple[str, str]]) -> Chart:
    counts = Counter(rows)
    series = {s: tuple(counts[(c, s)] for c in categories) for s in stacks if any(counts[(c, s)] for c in categories)}
    return Chart(title, tuple(categories), series)
