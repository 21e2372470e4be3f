"""Rules evaluation: hand-worked reward and timeline cases, judged by exact match.

Each line of ``evals/rules_cases.jsonl`` is a user's situation with the figures and dates
worked out by hand from the law texts in ``../shared/corpus/laws`` and the article they come
from. ``kind`` is ``reward`` or ``timeline``; a case passes when every expected key equals the
computed value (amounts to the cent, dates to the day). A reward case expecting ``error``
passes when the calculator refuses the input. The rule base is read the way the CLI reads it:
``knowledge/rules/`` ingested into a temporary index.

Usage example::

    print(run_rules_suite(Settings()).table())
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.domain import parse_yuan
from assistant.errors import InputError
from assistant.evaluation.retrieval import temporary_index
from assistant.index.visibility import Audience
from assistant.ingest.pipeline import Ingestor
from assistant.tasks.disclosure_form import Publication
from assistant.tasks.rules import RewardRequest, RuleBase, compute_reward, load_rules
from assistant.tasks.timeline import build_timeline

__all__ = ["CASES", "RULES", "RulesReport", "judge", "run_rules_suite"]

CASES = Path("evals/rules_cases.jsonl")
RULES = Path("knowledge/rules")


@dataclass
class RulesReport:
    total: dict[str, int] = field(default_factory=lambda: {"reward": 0, "timeline": 0})
    passed: dict[str, int] = field(default_factory=lambda: {"reward": 0, "timeline": 0})
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def accuracy(kind: str) -> float:
            return round(self.passed[kind] / max(self.total[kind], 1), 3)

        return {
            "suite": "rules",
            "reward_cases": self.total["reward"],
            "reward_accuracy": accuracy("reward"),
            "timeline_cases": self.total["timeline"],
            "timeline_accuracy": accuracy("timeline"),
            "failures": self.failures,
        }

    def table(self) -> str:
        d = self.to_dict()
        lines = [
            f"奖励测算：{self.passed['reward']}/{self.total['reward']} 完全一致（{d['reward_accuracy']:.3f}）",
            f"披露时间线：{self.passed['timeline']}/{self.total['timeline']} 完全一致（{d['timeline_accuracy']:.3f}）",
        ]
        lines += [f"  未通过 {f['id']}：{f['diff']}" for f in self.failures]
        return "\n".join(lines)


def _amount(value: Any) -> Decimal | None:
    if value is None:
        return None
    amount = parse_yuan(str(value))
    if amount is None:
        raise InputError(f"评测用例中的金额无法读取：{value!r}")
    return amount


def _reward(rules: RuleBase, case: dict[str, Any]) -> dict[str, Any]:
    given = case["input"]
    share = given.get("unit_share")
    request = RewardRequest(
        mode=given["mode"],
        income=_amount(given["income"]) or Decimal(0),
        costs=_amount(given.get("costs")),
        region=given.get("region") or "全国",
        institution=given.get("institution"),
        unit_share=Decimal(str(share)) if share is not None else None,
    )
    try:
        reward = compute_reward(rules, request)
    except InputError:
        return {"error": True}
    payload = reward.to_dict()
    return {
        "error": False,
        "net_income": payload["net_income"],
        "binding_rule": reward.binding.rule_id,
        "binding_amount": reward.binding.to_dict()["min_amount"],
        "shares": {s["rule_id"]: s["min_amount"] for s in payload["shares"]},
        "years": {s["rule_id"]: s["years"] for s in payload["shares"] if s["years"] is not None},
        "covered": reward.covered,
    }


def _timeline(rules: RuleBase, case: dict[str, Any]) -> dict[str, Any]:
    given = case["input"]
    publications = [Publication.model_validate(p) for p in given.get("publications", [])]
    planned = given.get("planned_filing_date")
    timeline = build_timeline(
        rules,
        publications,
        date.fromisoformat(planned) if planned else None,
        today=date.fromisoformat(given["today"]),
    )
    return {k: v for k, v in timeline.to_dict().items() if k != "items"}


def judge(rules: RuleBase, case: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``case["expected"]`` that the computation got wrong, as {key: [expected, got]}."""
    computed = _reward(rules, case) if case["kind"] == "reward" else _timeline(rules, case)
    return {
        key: [want, computed.get(key)]
        for key, want in case["expected"].items()
        if computed.get(key) != want and not (key == "error" and want is False and computed.get(key) is False)
    }


def run_rules_suite(
    settings: Settings, *, cases: Path = CASES, knowledge: Path = RULES, log: bool = True
) -> RulesReport:
    """Index the rule base in a temporary index, then judge every case.

    :raises InputError: the case file or the rule folder is missing.
    """
    if not cases.exists() or not knowledge.exists():
        raise InputError(f"评测文件不存在：{cases if not cases.exists() else knowledge}（请在仓库根目录运行）")
    items = [json.loads(line) for line in cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = RulesReport()
    with temporary_index(settings) as index:
        if log:
            print(f"正在索引 {knowledge} …", file=sys.stderr)
        Ingestor(index).ingest([knowledge])
        rules = load_rules(index, Audience.public())
        for case in items:
            diff = judge(rules, case)
            report.total[case["kind"]] += 1
            if diff:
                report.failures.append({"id": case["id"], "diff": diff})
            else:
                report.passed[case["kind"]] += 1
    return report
