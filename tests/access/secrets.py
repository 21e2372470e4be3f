"""Non-public records for the access test, each with a distinctive string and who may read it.

They are sample data written for the test (never attributed to a real organisation) and
are added on top of a copy of the shipped knowledge base, so every workflow has real
patents, demands and agencies around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.index.visibility import Audience, Role

ALPHA = "r-alpha"
BETA = "r-beta"
INTERNAL_PATENT_ID = "CN209900000077.X"


@dataclass(frozen=True)
class Secret:
    """A string that only some audiences may ever receive."""

    marker: str
    readers: frozenset[str]  # "officer", or a researcher's id

    def may_reach(self, audience: Audience) -> bool:
        if audience.role is Role.OFFICER:
            return True
        return audience.role is Role.RESEARCHER and audience.user in self.readers


SECRETS = (
    Secret("青鸾内参", frozenset()),  # internal policy
    Secret("青鸾-7型", frozenset()),  # internal patent (title and abstract)
    Secret(INTERNAL_PATENT_ID, frozenset()),
    Secret("朱雀-3型", frozenset({ALPHA})),  # r-alpha's confidential disclosure
    Secret("白泽-5型", frozenset({BETA})),  # r-beta's confidential disclosure
)

INTERNAL_POLICY = """---
title: 青鸾内参：成果转化奖励的内部口径（样例数据）
issuer: 示例大学科研院
visibility: internal
---

# 青鸾内参（样例数据）

青鸾内参规定，本校职务科技成果转让净收入用于奖励研发团队的内部口径为百分之九十三。
青鸾内参还规定，专利作价投资形成的股份奖励研发团队的比例由科研院逐项审定。
"""

INTERNAL_PATENT = (
    "申请号,名称,摘要,申请人,发明人,IPC分类号,申请日,法律状态,成熟度,合作方式,意向价格,所属产业,可见性,样例数据\n"
    f"{INTERNAL_PATENT_ID},青鸾-7型耐高温锂电池隔膜及其制备方法,"
    "青鸾-7型隔膜以芳纶纳米纤维与陶瓷颗粒复合，在180℃下热收缩率低于2%，可防止电动车电池夏季高温鼓包和热失控。,"
    "示例大学,示例发明人,H01M 50/403,2021-05-06,授权,TRL6,许可、转让,100万元,新能源,internal,true\n"
)


def disclosure(owner: str, code: str) -> str:
    return f"""---
title: 科技成果披露表：{code}高温电池隔膜涂层（样例数据）
visibility: confidential
owner: {owner}
---

# 科技成果披露表（样例数据）

{code}涂层在锂电池隔膜表面形成陶瓷层，电池在高温下不鼓包，热失控温度提高40℃。
{code}尚未公开，计划申请发明专利，拟以许可方式转化。
"""


def write_secrets(root: Path) -> list[Path]:
    """Write the four non-public documents under ``root``; returns the folders to ingest."""
    files = {
        root / "policies" / "internal-memo.md": INTERNAL_POLICY,
        root / "patents" / "internal-patents.csv": INTERNAL_PATENT,
        root / "disclosures" / "alpha.md": disclosure(ALPHA, "朱雀-3型"),
        root / "disclosures" / "beta.md": disclosure(BETA, "白泽-5型"),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [root]
