"""Start-up benchmark: the real console script against ``python -c pass``, in the same run.

    python benchmarks/bench_start.py [--runs 5] [--json FILE]

Times, as a user pays them (a fresh process each call): the bare interpreter, ``kezhuan
--help``, and ``kezhuan search`` on the shipped index (``KEZHUAN_DATA_DIR``, default
``.kezhuan`` as built by ``make index``). The installed ``kezhuan`` console script
runs with this checkout first on ``PYTHONPATH``; ``--compare DIR`` times another checkout (say,
the main branch) in the same run, which is the only fair comparison on a shared machine.
On a shared machine compare the figures of one run, not runs on different days.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
QUERY = "职务科技成果赋权后收益怎么分"


def timed(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (user + system) of ``runs`` fresh processes.

    CPU time is what the process itself spends; on a machine shared by many it moves far
    less than wall time, which also counts the waits for a free core.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(walls), statistics.median(cpus)


def measure(source: Path, runs: int, env: dict[str, str]) -> dict[str, float]:
    """The three timings with ``source`` on PYTHONPATH (this checkout, or another to compare with)."""
    env = {**env, "PYTHONPATH": str(source)}
    kezhuan = [str(Path(sys.executable).parent / "kezhuan")]
    timed([*kezhuan, "search", "预热", "--json"], 1, env)  # the first call may write jieba's cache file
    floor = timed([sys.executable, "-c", "pass"], runs, env)
    help_ = timed([*kezhuan, "--help"], runs, env)
    search = timed([*kezhuan, "search", QUERY, "--json"], runs, env)
    return {
        "python_pass_s": round(floor[0], 3),
        "help_s": round(help_[0], 3),
        "help_above_interpreter_s": round(help_[0] - floor[0], 3),
        "search_s": round(search[0], 3),
        "python_pass_cpu_s": round(floor[1], 3),
        "help_above_interpreter_cpu_s": round(help_[1] - floor[1], 3),
        "search_cpu_s": round(search[1], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--compare", type=Path, default=None, help="another checkout to time in the same run")
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("KEZHUAN_DATA_DIR", str(REPO / ".kezhuan"))
    if not (Path(env["KEZHUAN_DATA_DIR"]) / "chroma").exists():
        print(f"skipped: no index in {env['KEZHUAN_DATA_DIR']} (run `make index` first)")
        return 0
    result: dict[str, Any] = {"runs": args.runs, "this": measure(REPO, args.runs, env)}
    if args.compare:
        result["compare"] = {"source": str(args.compare), **measure(args.compare, args.runs, env)}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
