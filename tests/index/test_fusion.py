"""Fusion formulas against numbers worked out by hand."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.index.fusion import RRF_K, FusionMode, keyword_weight, rrf, weighted_rrf


class TestRrf:
    def test_rrf_sums_reciprocal_ranks(self) -> None:
        scores = rrf([["a", "b"], ["b", "c"]])
        assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
        assert scores["a"] == pytest.approx(1 / 61)
        assert scores["c"] == pytest.approx(1 / 62)
        assert list(scores) == ["b", "a", "c"]

    def test_weighted_rrf_scales_each_ranking(self) -> None:
        scores = weighted_rrf([["a"], ["b"]], weights=[1.0, 0.5], k=RRF_K)
        assert scores == {"a": pytest.approx(1 / 61), "b": pytest.approx(0.5 / 61)}

    def test_weighted_rrf_requires_one_weight_per_ranking(self) -> None:
        with pytest.raises(ValueError, match="one weight"):
            weighted_rrf([["a"], ["b"]], weights=[1.0])


class TestKeywordWeight:
    @pytest.mark.parametrize(("coverage", "weight"), [(0.0, 0.0), (0.25, 0.5), (0.5, 1.0), (1.0, 2.0), (3.0, 2.0)])
    def test_keyword_weight_grows_with_coverage(self, coverage: float, weight: float) -> None:
        assert keyword_weight(coverage) == pytest.approx(weight)


class TestFusionMode:
    def test_from_str_lists_valid_modes(self) -> None:
        assert FusionMode.from_str(" RRF ") is FusionMode.RRF
        with pytest.raises(InputError, match="adaptive"):
            FusionMode.from_str("magic")
