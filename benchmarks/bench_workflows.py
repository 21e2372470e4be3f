"""Workflow benchmark: what a person waits for in the app, timed in one warm process.

    python benchmarks/bench_workflows.py [--runs 3] [--json FILE]

Uses the index in ``KEZHUAN_DATA_DIR`` (default ``.kezhuan``, as ``make index`` builds it).
Each workflow runs once to warm the process (model loaded, first Chroma query paid), then
``--runs`` times; the median is reported against issue #13's target:

- a briefing on the whole sample stock (300 patents, 120 demands) ≤ 5 s, on one industry ≤ 2 s;
- a disclosure draft (examples/disclosure-form.json, not stored) ≤ 3 s;
- a matching query typed in plain words ≤ 1.5 s;
- the offline chat: time to its first sentence, and to the whole answer (reported, no target).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"briefing, whole stock": 5.0, "briefing, one industry": 2.0, "disclosure draft": 3.0, "typed matching": 1.5}
MATCH_QUERY = "我们公司想找一种能提高锂电池隔膜耐热性的技术，预算50万元以内，希望技术许可"
CHAT_QUESTION = "职务科技成果赋权后，成果完成人能拿到多少奖励？"


def median_seconds(work: Callable[[], Any], runs: int) -> float:
    work()  # warm: the first call pays model loading and Chroma's first query
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def chat_times(router: Any, audience: Any, runs: int) -> tuple[float, float]:
    """Seconds to the first streamed sentence and to the whole answer (medians)."""
    first, whole = [], []
    for n in range(runs + 1):
        started = time.perf_counter()
        seen_first = None
        for item in router.stream(CHAT_QUESTION, audience):
            if seen_first is None and isinstance(item, str):
                seen_first = time.perf_counter() - started
        if n:  # the first round warms
            whole.append(time.perf_counter() - started)
            first.append(seen_first if seen_first is not None else whole[-1])
    return statistics.median(first), statistics.median(whole)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from assistant.chat.router import ChatRouter
    from assistant.config import Settings
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.index.visibility import Audience, Role
    from assistant.records import DocType
    from assistant.tasks.briefing import Briefer, BriefingRequest
    from assistant.tasks.disclosure import DisclosureDrafter
    from assistant.tasks.disclosure_form import parse_form
    from assistant.tasks.matching import Matcher

    settings = Settings(openai_api_key=None)
    index = KnowledgeIndex(settings)
    officer = Audience(Role.OFFICER)
    if not index.records(DocType.PATENT, officer):
        print(f"skipped: no patents indexed in {settings.data_dir} (run `make index` first)")
        return 0
    briefer, matcher, drafter = Briefer(index), Matcher(index), DisclosureDrafter(index)
    form = parse_form((REPO / "examples" / "disclosure-form.json").read_text(encoding="utf-8"))
    researcher = Audience(Role.RESEARCHER, form.author)
    measured = {
        "briefing, whole stock": median_seconds(
            lambda: briefer.build(BriefingRequest(topic="存量专利盘活进展"), officer), args.runs
        ),
        "briefing, one industry": median_seconds(
            lambda: briefer.build(BriefingRequest(topic="人工智能领域可转化成果"), officer), args.runs
        ),
        "disclosure draft": median_seconds(lambda: drafter.draft(form, researcher, store=False), args.runs),
        "typed matching": median_seconds(
            lambda: matcher.for_demand(MATCH_QUERY, audience=Audience.public()), args.runs
        ),
    }
    first, whole = chat_times(ChatRouter(index, settings), Audience.public(), args.runs)
    rows = [(name, TARGETS[name], value) for name, value in measured.items()]
    print(f"Workflows (#13), warm process, median of {args.runs}")
    for name, target, value in rows:
        print(f"  {name:<24} {value:6.2f} s   target ≤ {target:g} s   {'met' if value <= target else 'NOT met'}")
    print(f"  {'chat, first sentence':<24} {first:6.2f} s")
    print(f"  {'chat, whole answer':<24} {whole:6.2f} s")
    if args.json:
        payload = {"runs": args.runs, "seconds": measured, "chat_first_s": first, "chat_whole_s": whole}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
