"""Print each speed target of issue #13 with its measured value and its ratio to the floor or peer.

    python benchmarks/targets.py DIR     # DIR holds bench-start.json, bench-scale.json, bench-workflows.json, bench-peer.json

Every figure comes from the benchmarks' JSON of one run; a missing file leaves its rows out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def load(folder: Path, name: str) -> Any:
    path = folder / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def rows(folder: Path) -> list[tuple[str, str, str, str, str]]:
    """(target, limit, measured, ratio, met)."""
    out: list[tuple[str, str, str, str, str]] = []

    def add(target: str, limit: float, value: float, unit: str, ratio: str) -> None:
        out.append((target, f"≤ {limit:g} {unit}", f"{value:g} {unit}", ratio, "yes" if value <= limit else "NO"))

    start = load(folder, "bench-start.json")
    if start:
        this = start["this"]
        floor = this["python_pass_s"]
        add(
            "kezhuan --help above the interpreter",
            0.5,
            this["help_above_interpreter_s"],
            "s",
            f"interpreter {floor:g} s",
        )
        add(
            "kezhuan search, end to end",
            1.5,
            this["search_s"],
            "s",
            f"{this['search_s'] / max(floor, 1e-9):.0f}× interpreter",
        )
        # CPU seconds barely move with the machine's load: the figure to compare when it is busy.
        add("kezhuan --help above the interpreter, CPU", 0.5, this["help_above_interpreter_cpu_s"], "s", "")
        add("kezhuan search, CPU", 1.5, this["search_cpu_s"], "s", "")
        if "compare" in start:
            other = start["compare"]
            ratio = this["search_cpu_s"] / max(other["search_cpu_s"], 1e-9)
            out.append((f"search CPU vs {other['source']}", "—", f"{this['search_cpu_s']:g} s", f"{ratio:.2f}×", ""))
    for run in load(folder, "bench-scale.json") or []:
        embed = run["embed_p50_ms"]
        name = f"{run['size'] // 1000}k, {run['store']}"
        if run["size"] <= 10_000:
            add(
                f"search p50 ({name})",
                2 * embed,
                run["search_p50_ms"],
                "ms",
                f"{run['search_p50_ms'] / embed:.2f}× embed (≤ 2)",
            )
            add(
                f"search p95 ({name})",
                4 * embed,
                run["search_p95_ms"],
                "ms",
                f"{run['search_p95_ms'] / embed:.2f}× embed (≤ 4)",
            )
        if run["size"] >= 100_000 and run["store"] == "embedded":
            add(f"search p95 ({name})", 150, run["search_p95_ms"], "ms", f"{run['search_p95_ms'] / embed:.2f}× embed")
            serving = run.get("serving")
            if serving:  # an app instance opening the built index; the build process also holds every record
                add(
                    f"resident memory, an app instance ({name})",
                    2048,
                    serving["max_rss_mb"],
                    "MB",
                    f"build process {run['max_rss_mb']} MB",
                )
            else:
                add(f"resident memory ({name})", 2048, run["max_rss_mb"], "MB", "")
    workflows = load(folder, "bench-workflows.json")
    if workflows:
        limits = {"briefing, whole stock": 5, "briefing, one industry": 2, "disclosure draft": 3, "typed matching": 1.5}
        for name, seconds in workflows["seconds"].items():
            add(f"{name} (warm process)", limits[name], round(seconds, 2), "s", "")
    peer = load(folder, "bench-peer.json")
    if peer:
        ours, theirs = peer["recall@5"]["ours"], peer["recall@5"]["peer"]
        out.append(
            (
                "recall@5 vs LangChain default RAG",
                "≥ peer",
                f"{ours:g}",
                f"peer {theirs:g}",
                "yes" if ours >= theirs else "NO",
            )
        )
        lat = peer["search_p50_ms"]
        out.append(("search p50 vs peer", "—", f"{lat['ours']:g} ms", f"peer {lat['peer']:g} ms", ""))
    return out


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".kezhuan")
    table = rows(folder)
    if not table:
        print(f"no benchmark results in {folder}")
        return 0
    widths = [max(len(r[i]) for r in table) for i in range(5)]
    print("Speed targets (#13), one run; compare ratios, absolute times depend on the machine's load")
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
