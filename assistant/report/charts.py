"""Bar charts of a briefing's distributions as PNG, with Chinese labels that render.

matplotlib's bundled fonts have no Chinese glyphs, and these machines have no system
CJK font, so the Noto Sans CJK SC font shipped inside the ``mplfonts`` wheel is
registered once; any CJK font already on the system is used first.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

__all__ = ["ChartData", "chart_font", "render_chart", "render_charts"]

SYSTEM_CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei")
BUNDLED_FONT = "NotoSansCJKsc-Regular.otf"
FIGURE_SIZE = (9.0, 3.8)  # one size for all, so their text matches side by side in a document
PALETTE = ("#2f6db5", "#e8833a", "#4aa564", "#c9423f", "#8a63b8", "#8c6d4f", "#d279b5")


class ChartData(Protocol):
    """The data of a bar chart, as any task gives it (the briefing's ``Chart`` is one).

    A protocol rather than an import: the documents layer never imports a task.
    """

    @property
    def title(self) -> str: ...
    @property
    def categories(self) -> tuple[str, ...]: ...
    @property
    def series(self) -> dict[str, tuple[int, ...]]: ...
    @property
    def unit(self) -> str: ...
    @property
    def stacked(self) -> bool: ...


@lru_cache(maxsize=1)
def chart_font() -> str:
    """The font family used for chart text (registered with matplotlib on first use)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in SYSTEM_CJK_FONTS:
        if name in installed:
            return name
    from importlib.resources import files

    path = str(files("mplfonts") / "fonts" / BUNDLED_FONT)
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def render_chart(chart: ChartData, path: Path) -> Path:
    """Draw ``chart`` into a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with plt.rc_context({"font.family": [chart_font()], "axes.unicode_minus": False}):
        figure, axes = plt.subplots(figsize=FIGURE_SIZE, dpi=120)
        tops = _stacked_bars(axes, chart) if chart.stacked else _grouped_bars(axes, chart)
        axes.set_ylim(0, max([*tops, 1]) * 1.15)  # room for the counts above the bars
        axes.set_title(chart.title)
        axes.set_ylabel(chart.unit)
        axes.spines[["top", "right"]].set_visible(False)
        if len(chart.series) > 1:
            axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        if len(chart.categories) > 5:
            axes.tick_params(axis="x", labelrotation=30)
        figure.tight_layout()
        figure.savefig(path, bbox_inches="tight")  # keeps a legend placed beside the axes
        plt.close(figure)
    return path


def _stacked_bars(axes: Any, chart: ChartData) -> list[int]:
    """Stacked bars with each stack's total above it; returns the totals."""
    bottom = [0] * len(chart.categories)
    for n, (name, values) in enumerate(chart.series.items()):
        axes.bar(chart.categories, values, bottom=bottom, label=name, color=PALETTE[n % len(PALETTE)])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, total in enumerate(bottom):
        if total:
            axes.annotate(str(total), (x, total), ha="center", va="bottom", fontsize=8)
    return bottom


def _grouped_bars(axes: Any, chart: ChartData) -> list[int]:
    """Bars side by side within each category, each with its count; returns the heights."""
    width = 0.8 / len(chart.series)
    for n, (name, values) in enumerate(chart.series.items()):
        positions = [x - 0.4 + width * (n + 0.5) for x in range(len(chart.categories))]
        bars = axes.bar(positions, values, width=width, label=name, color=PALETTE[n % len(PALETTE)])
        axes.bar_label(bars, fontsize=8)
    axes.set_xticks(range(len(chart.categories)), chart.categories)
    return [v for values in chart.series.values() for v in values]


def render_charts(charts: Sequence[ChartData], folder: Path) -> list[Path]:
    """Each chart as ``folder/chart-N.png`` (folder created)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [render_chart(chart, folder / f"chart-{n}.png") for n, chart in enumerate(charts, start=1)]
