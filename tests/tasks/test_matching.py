"""Matching on the shipped sample records with the real model."""

from __future__ import annotations

import json

import pytest

from assistant.errors import InputError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.tokenizer import in_dictionary
from assistant.index.visibility import Audience, Role
from assistant.records import DocType
from assistant.tasks.matching import NO_MATCH, Matcher, MatchMode
from tests.conftest import REPO


@pytest.fixture(scope="module")
def matcher(knowledge_index: KnowledgeIndex) -> Matcher:
    return Matcher(knowledge_index)


def gold() -> dict[str, list[str]]:
    rows = [
        json.loads(line) for line in (REPO / "evals" / "matching_gold.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return {r["demand_id"]: r["gold"] for r in rows if r["gold"]}


class TestMatcher:
    def test_demand_id_finds_its_gold_patent_with_reasons(self, matcher: Matcher) -> None:
        result = matcher.for_demand(demand_id="D-A001", audience=Audience.public(), k=5)
        top = result.matches[0]
        assert top.chunk.doc_id in gold()["D-A001"]
        assert {"semantic", "keyword", "fit", "cosine", "lift", "coverage"} == set(top.parts)
        assert top.confidence == "高" and not result.no_match
        assert any(r.startswith("技术领域一致") for r in top.reasons)
        assert any(r.startswith("合作方式") for r in top.reasons)

    def test_combined_hits_most_gold_in_top_five(self, matcher: Matcher) -> None:
        pairs = list(gold().items())[::5]  # a spread of demands across industries
        hits = sum(
            bool(
                {m.chunk.doc_id for m in matcher.for_demand(demand_id=d, audience=Audience.public(), k=5).matches}
                & set(g)
            )
            for d, g in pairs
        )
        assert hits / len(pairs) >= 0.8

    def test_free_text_demand(self, matcher: Matcher) -> None:
        result = matcher.for_demand("电动车电池夏天容易鼓包起火，想找耐高温的隔膜材料", audience=Audience.public(), k=3)
        assert "隔膜" in result.matches[0].chunk.title
        assert all(m.chunk.doc_type is DocType.PATENT for m in result.matches)

    def test_patent_to_demands(self, matcher: Matcher) -> None:
        patent = gold()["D-A001"][0]
        result = matcher.for_patent(patent, audience=Audience(Role.OFFICER), k=5)
        assert result.matches[0].chunk.doc_id == "D-A001"
        assert all(m.chunk.doc_type is DocType.DEMAND for m in result.matches)

    def test_enterprise_never_matches_a_confidential_disclosure(self, matcher: Matcher) -> None:
        demand = "需要一种锂铟氯系卤化物固态电解质，低温液相法制备"
        enterprise = matcher.for_demand(demand, audience=Audience.public(), k=20)
        officer = matcher.for_demand(demand, audience=Audience(Role.OFFICER), k=20)
        assert all(m.chunk.doc_type is not DocType.DISCLOSURE for m in enterprise.matches)
        assert any(m.chunk.doc_type is DocType.DISCLOSURE for m in officer.matches)

    def test_dense_and_rrf_modes_rank_too(self, matcher: Matcher) -> None:
        for mode in (MatchMode.DENSE, MatchMode.RRF):
            assert len(matcher.for_demand(demand_id="D-A001", audience=Audience.public(), k=5, mode=mode).matches) == 5

    def test_a_batch_ranks_each_demand_as_it_ranks_alone(self, matcher: Matcher) -> None:
        """The briefing's batch (one vector-store call, shared candidate vectors) changes nothing."""
        ids = sorted(gold())[::4]
        batch = matcher.for_demands([*ids, "D-NOPE"], audience=Audience.public(), k=5, explain=False)
        assert set(batch) == set(ids)  # an unknown id is absent, not an error
        for demand_id in ids:
            alone = matcher.for_demand(demand_id=demand_id, audience=Audience.public(), k=5)
            together = batch[demand_id]
            assert [(m.chunk.id, round(m.score, 9), m.confidence) for m in together.matches] == [
                (m.chunk.id, round(m.score, 9), m.confidence) for m in alone.matches
            ]
            assert together.no_match == alone.no_match
            assert all(not m.reasons for m in together.matches) and all(m.reasons for m in alone.matches)

    @pytest.mark.parametrize("call", [{"demand_id": "D-NOPE"}, {}])
    def test_bad_input(self, matcher: Matcher, call: dict[str, str]) -> None:
        with pytest.raises(InputError):
            matcher.for_demand(audience=Audience.public(), **call)
        with pytest.raises(InputError, match="专利"):
            matcher.for_patent("CN-NOPE", audience=Audience(Role.OFFICER))


class TestConfidenceAndReasons:
    def test_a_need_nothing_fits_says_so_with_next_steps(self, matcher: Matcher) -> None:
        result = matcher.for_demand("冷冻水饺运到外地经常化掉又冻上，粘成一坨", audience=Audience.public(), k=5)
        assert result.no_match and result.matches[0].confidence == "低"
        assert result.verdict == NO_MATCH and any("技术交易平台" in step for step in result.next_steps)
        assert result.to_dict()["no_match"] is True

    def test_plain_words_are_understood_and_used_in_reasons(self, matcher: Matcher) -> None:
        need = "想做一个能同时给手机、手表、耳机一起充电的板子，预算20万以内，授权使用"
        result = matcher.for_demand(need, audience=Audience.public(), k=3)
        assert result.understood_line() == "理解为：预算≤20万元；合作方式：许可"
        top = result.matches[0]
        assert top.chunk.doc_id == "CN202310900032.6" and top.confidence in ("高", "中") and not result.no_match
        assert "合作方式：许可 ✓" in top.reasons and "价格：10万元，在预算≤20万元内" in top.reasons
        assert any(r.startswith("相关原文：「") and r.endswith("」") for r in top.reasons)
        assert top.card["asking_price"] == "10万元" and "技术转移办公室" in top.card["contact"]
        assert {"abstract", "holder", "ipc", "legal_status", "maturity", "cooperation_modes"} <= set(top.card)

    @pytest.mark.parametrize(
        "need",
        [
            "医院想用人工智能看胸部CT，把肺结节和良恶性早点分出来，减少每例假阳性",
            "钢厂想把排出来的二氧化碳捕集下来做成建材",
        ],
    )
    def test_shared_keywords_are_real_words(self, matcher: Matcher, need: str) -> None:
        result = matcher.for_demand(need, audience=Audience.public(), k=5)
        shown = [
            word
            for m in result.matches
            for r in m.reasons
            if r.startswith("共同关键词：")
            for word in r.removeprefix("共同关键词：").split("、")
        ]
        assert shown and all(in_dictionary(word) or word.isascii() for word in shown)
        assert not {"与良", "例假", "二氧化"} & set(shown)

    def test_briefing_and_page_share_one_confidence(self, matcher: Matcher) -> None:
        result = matcher.for_demand(demand_id="D-A001", audience=Audience.public(), k=3)
        assert all(m.reasons[0].startswith(f"可信度：{m.confidence}") for m in result.matches)


def test_calibration_rows_per_split() -> None:
    from assistant.evaluation.matching import Graded, calibration_rows

    graded = [
        Graded("test", True, "高", True, False, 1),
        Graded("test", True, "高", False, False, 4),
        Graded("test", True, "低", False, True, 2),
        Graded("test", False, "低", False, True, None),
        Graded("tune", False, "中", False, False, None),
    ]
    rows = calibration_rows(graded)
    assert rows["test"] == {
        "queries": 4,
        "high": 2,
        "high_precision": 0.5,
        "no_match_needs": 1,
        "no_match_flagged": 1.0,
        "suitable_shown": 0.667,  # the flagged one no longer shows its patent
    }
    assert rows["tune"]["no_match_flagged"] == 0.0
