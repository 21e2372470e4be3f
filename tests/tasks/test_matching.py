"""Matching on the shipped sample records with the real model."""

from __future__ import annotations

import json

import pytest

from assistant.errors import InputError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.records import DocType
from assistant.tasks.matching import Matcher, MatchMode
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
        assert set(top.parts) == {"semantic", "keyword", "fit"}
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

    @pytest.mark.parametrize("call", [{"demand_id": "D-NOPE"}, {}])
    def test_bad_input(self, matcher: Matcher, call: dict[str, str]) -> None:
        with pytest.raises(InputError):
            matcher.for_demand(audience=Audience.public(), **call)
        with pytest.raises(InputError, match="专利"):
            matcher.for_patent("CN-NOPE", audience=Audience(Role.OFFICER))


def test_threshold_rows_count_matches_precision_and_flagged_no_match_demands() -> None:
    from assistant.evaluation.matching import TopPair, threshold_rows

    tops = [
        TopPair(0.91, True, True),
        TopPair(0.796, False, False),
        TopPair(0.86, False, True),
        TopPair(0.7, False, False),
    ]
    at = {row["threshold"]: row for row in threshold_rows(tops)}
    assert at[0.80] == {
        "threshold": 0.80,
        "matched": 3,
        "precision": 0.333,
        "no_match_flagged": 0.5,
    }  # 0.796 shows as 0.80
    assert at[0.90] == {"threshold": 0.90, "matched": 1, "precision": 1.0, "no_match_flagged": 1.0}
