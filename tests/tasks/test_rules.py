"""The rule base and the reward calculator, on cases worked out by hand from the law texts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.domain import Rule, parse_yuan
from assistant.errors import InputError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.tasks.rules import RewardRequest, RuleBase, compute_reward, load_rules, normalise_region
from tests.conftest import shared_path
from tests.helpers import index_env, run_cli
from tests.tasks.conftest import rule_chunks

LAWS = ("corpus", "laws")


def reward(rule_base: RuleBase, mode: str, income: str, costs: str | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    request = RewardRequest(mode, parse_yuan(income), parse_yuan(costs) if costs else None, **kwargs)  # type: ignore[arg-type]
    return compute_reward(rule_base, request)


class TestRuleBase:
    def test_every_rule_names_its_law_article_and_date(self, rule_base: RuleBase) -> None:
        assert len(rule_base.rules) >= 20
        for rule in rule_base.rules:
            assert rule.law and rule.article.startswith("第") and rule.effective_date, rule.id
            assert rule.chunk.locator == rule.article and rule.chunk.title == f"规则库：{rule.law}"

    def test_regions_are_only_those_with_a_source_in_the_corpus(self, rule_base: RuleBase) -> None:
        assert rule_base.regions == {"全国", "上海"}

    def test_every_number_appears_in_its_law(self, rule_base: RuleBase) -> None:
        """50%, 70%, 5%, 3–5 years, 6 months, 2 months, 4000/1500 yuan, 3月30日: each checked against the text."""
        chinese = {"50": "百分之五十", "70": "百分之七十", "5": "百分之五", "6": "六个月", "03-30": "3月30日",
                   "04-30": "4月30日", "2": "2个月", "4000": "4000元", "1500": "1500元"}  # fmt: skip
        laws = shared_path(*LAWS)
        for rule in rule_base.rules:
            if not rule.value:
                continue
            name = rule.law.removeprefix("中华人民共和国").split("（")[0]
            text = next(p for p in laws.glob("*.md") if p.stem.split("(")[0] == name).read_text(encoding="utf-8")
            assert chinese[rule.value] in text, rule.id

    def test_statements_are_our_own_words(self, rule_base: RuleBase) -> None:
        """No statement repeats a 25-character run of a law text (knowledge/ is written in our words)."""
        corpus = "".join(p.read_text(encoding="utf-8") for p in shared_path(*LAWS).glob("*.md"))
        for rule in rule_base.rules:
            text = rule.statement
            assert not any(text[i : i + 25] in corpus for i in range(len(text) - 25)), rule.id

    def test_select_lists_national_and_regional_rules(self, rule_base: RuleBase) -> None:
        shanghai = {r.id for r in rule_base.select(region="上海市", mode="转让")}
        assert {"CN-TL-45-1", "SH-TC-34-1", "SH-TC-34-4"} <= shanghai
        assert all(r.region == "全国" for r in rule_base.select(region="北京"))

    def test_rule_is_parsed_from_a_chunk(self) -> None:
        chunk = next(c for c in rule_chunks() if c.doc_id == "CN-TL-45-3")
        rule = Rule.from_chunk(chunk)
        assert rule.years == (3, 5) and rule.number == Decimal(5) and rule.modes == ("自行实施", "合作实施")

    @pytest.mark.parametrize(
        ("given", "region"), [(None, "全国"), ("上海市", "上海"), ("中国", "全国"), ("广东省", "广东")]
    )
    def test_normalise_region(self, given: str | None, region: str) -> None:
        assert normalise_region(given) == region


class TestComputeReward:
    def test_the_chat_example_in_shanghai(self, rule_base: RuleBase) -> None:
        """200万 − 10万 = 190万; national 50% = 95万 binds without a unit rule; Shanghai's permitted 70% = 133万."""
        result = reward(rule_base, "转让", "200万", "10万", region="上海")
        assert result.net_income == Decimal(1_900_000)
        assert [(s.rule_id, s.min_amount) for s in result.shares] == [
            ("CN-TL-45-1", Decimal(950_000)),
            ("SH-TC-34-1", Decimal(1_330_000)),
        ]
        assert result.binding.rule_id == "CN-TL-45-1" and result.covered
        assert all(step.basis for step in result.steps)  # every step cites its article
        assert "第三十四条第二款" in result.steps[0].basis  # the deductions come from Shanghai's definition

    def test_region_without_rules_is_named_as_not_covered(self, rule_base: RuleBase) -> None:
        result = reward(rule_base, "转让", "300万", "20万", region="北京")
        assert [s.rule_id for s in result.shares] == ["CN-TL-45-1"] and not result.covered
        assert any("没有北京的地方规则" in note for note in result.notes)
        assert result.to_dict()["region"] == "北京"

    def test_a_state_institutions_lower_share_is_lifted_to_the_floor(self, rule_base: RuleBase) -> None:
        result = reward(rule_base, "转让", "200万", unit_share=Decimal(40))
        assert result.binding.rule_id == "CN-TL-45-1" and result.binding.min_amount == Decimal(1_000_000)
        assert {s.rule_id: s.min_amount for s in result.shares}["本单位"] == Decimal(800_000)

    def test_another_units_own_share_governs(self, rule_base: RuleBase) -> None:
        result = reward(rule_base, "转让", "200万", institution="其他", unit_share=Decimal(40))
        assert result.binding.rule_id == "本单位" and result.binding.min_amount == Decimal(800_000)

    def test_operating_profit_share_runs_for_years(self, rule_base: RuleBase) -> None:
        result = reward(rule_base, "合作实施", "300万", region="上海")
        assert [(s.rule_id, s.min_amount, s.years) for s in result.shares] == [
            ("CN-TL-45-3", Decimal(150_000), 3),
            ("SH-TC-34-3", Decimal(150_000), 5),
        ]
        assert result.net_income is None

    def test_equity_rewards_carry_the_cited_tax_deferral_only_where_a_rule_exists(self, rule_base: RuleBase) -> None:
        shanghai = reward(rule_base, "作价投资", "500万", region="上海")
        assert any("第三十八条第三款" in note for note in shanghai.notes)
        national = reward(rule_base, "作价投资", "500万")
        assert not any("税收" in note for note in national.notes)

    def test_cents_round_half_up(self, rule_base: RuleBase) -> None:
        result = reward(rule_base, "许可", "99999", "0.01")
        assert result.binding.min_amount == Decimal("49999.50")

    @pytest.mark.parametrize(
        ("mode", "income", "costs"), [("转让", "10万", "20万"), ("作价投资", "100万", "1万"), ("出售", "1万", None)]
    )
    def test_bad_input_is_refused(self, rule_base: RuleBase, mode: str, income: str, costs: str | None) -> None:
        with pytest.raises(InputError):
            reward(rule_base, mode, income, costs)

    def test_empty_rule_base_says_to_ingest(self) -> None:
        with pytest.raises(InputError, match="knowledge/rules"):
            compute_reward(RuleBase(()), RewardRequest("转让", Decimal(1)))


class TestRulesThroughTheIndex:
    def test_loaded_from_the_indexed_knowledge_base(self, knowledge_index: KnowledgeIndex) -> None:
        rules = load_rules(knowledge_index, Audience.public())
        assert rules.get("SH-TC-34-1") is not None and rules.regions == {"全国", "上海"}

    def test_rules_are_found_by_search_like_other_policy_text(self, knowledge_index: KnowledgeIndex) -> None:
        hits = knowledge_index.search("上海 转让净收入 扣除 评估费 口径", Audience.public(), top_k=5)
        assert "SH-TC-34-4" in [h.chunk.doc_id for h in hits]

    def test_cli_reward_json_shape(self, knowledge_index: KnowledgeIndex) -> None:
        ran = run_cli("reward", "--mode", "转让", "--income", "200万", "--costs", "10万", "--region", "上海", "--json",
                      env=index_env(knowledge_index))  # fmt: skip
        assert ran.exit_code == 0, ran.stderr
        payload = ran.json()
        assert list(payload) == ["mode", "region", "income", "net_income", "shares", "steps", "notes"]
        assert payload["net_income"] == 1_900_000 and payload["shares"][0]["min_amount"] == 950_000
        assert list(payload["shares"][0]) == ["rule_id", "region", "min_share", "min_amount", "years", "basis"]

    def test_cli_rules_json_and_bad_amount(self, knowledge_index: KnowledgeIndex) -> None:
        env = index_env(knowledge_index)
        listed = run_cli("rules", "--region", "上海", "--mode", "作价投资", "--json", env=env).json()["rules"]
        assert {"CN-TL-45-2", "SH-TC-34-2"} <= {r["id"] for r in listed}
        assert list(listed[0]) == ["id", "region", "institution", "mode", "quantity", "value", "unit",
                                   "effective_date", "basis"]  # fmt: skip
        bad = run_cli("reward", "--mode", "许可", "--income", "很多", env=env)
        assert bad.exit_code == 2 and bad.error_lines == [
            "错误：--income 的值“很多”应为金额，如 2000000、200万 或 1.5亿"
        ]
