"""IPC subclass suggestions for a description, by a vote of the nearest classified patents.

The nearest indexed patents that carry IPC codes vote for their subclasses (H01M,
G06N …): each vote weighs by how close the patent is, a main classification counts
fully and a secondary one half. With no classified patent indexed, section-level
keywords give a rough first answer. Either way this is a hint for a patent agent, not
a classification.

Usage example::

    suggest_ipc(index, "一种固态电解质及其制备方法", k=3)
    # [IpcSuggestion(code='H01M', confidence=0.71, evidence=('CN202310900074.X', …)), …]
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from assistant.domain import Patent
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.query import clean_query
from assistant.records import DocType

__all__ = ["SECTION_KEYWORDS", "IpcSuggestion", "suggest_ipc", "suggest_sections"]

NEIGHBOURS = 15
SECONDARY_WEIGHT = 0.5
# Similarities of e5 differ by hundredths; a temperature of 0.02 turns a 0.02 lead into
# e-fold more weight, so the nearest few patents dominate the vote.
TEMPERATURE = 0.02

SECTION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "A": ("医", "药", "治疗", "诊断", "食品", "农", "养殖", "化妆", "服装", "鞋", "家具", "运动"),
    "B": ("加工", "切削", "焊接", "机器人", "机械手", "运输", "车辆", "包装", "分离", "过滤", "成型", "印刷"),
    "C": ("化合物", "合金", "聚合", "催化", "溶液", "冶金", "水泥", "涂料", "发酵", "基因", "蛋白"),
    "D": ("纺织", "纤维", "织物", "纱", "纸", "无纺"),
    "E": ("建筑", "桥梁", "道路", "隧道", "墙体", "楼", "门窗", "钻井"),
    "F": ("发动机", "泵", "阀", "轴承", "热交换", "制冷", "照明", "燃烧", "管道", "风力", "涡轮"),
    "G": ("测量", "检测", "传感", "计算", "算法", "图像", "识别", "控制", "光学", "神经网络", "数据"),
    "H": ("电路", "电池", "半导体", "芯片", "通信", "天线", "电极", "电机", "无线", "功率"),
}


@dataclass(frozen=True)
class IpcSuggestion:
    """A suggested IPC subclass (or section, in the keyword fallback) and its support."""

    code: str
    confidence: float
    evidence: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "confidence": round(self.confidence, 3), "evidence": list(self.evidence)}


def suggest_ipc(index: KnowledgeIndex, text: str, audience: Audience, *, k: int = 3) -> list[IpcSuggestion]:
    """The ``k`` likeliest subclasses for ``text``, best first.

    :raises EmptyQueryError: the text is empty.
    """
    query, _ = clean_query(text)
    hits = index.neighbours(query, audience, k=NEIGHBOURS, doc_types=[DocType.PATENT])
    classified = [(hit.score, patent) for hit in hits if (patent := Patent.from_chunk(hit.chunk)).ipc_subclasses]
    if not classified:
        return suggest_sections(query, k)
    best = classified[0][0]
    votes: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[str]] = defaultdict(list)
    for score, patent in classified:
        weight = math.exp((score - best) / TEMPERATURE)
        for position, code in enumerate(patent.ipc_subclasses):
            votes[code] += weight * (1.0 if position == 0 else SECONDARY_WEIGHT)
            evidence[code].append(patent.id)
    total = sum(votes.values())
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])[:k]
    return [IpcSuggestion(code, vote / total, tuple(dict.fromkeys(evidence[code]))[:5]) for code, vote in ranked]


def suggest_sections(text: str, k: int = 3) -> list[IpcSuggestion]:
    """IPC sections (A–H) by keyword counts: the fallback when no classified patent is indexed."""
    counts = {section: sum(text.count(word) for word in words) for section, words in SECTION_KEYWORDS.items()}
    total = sum(counts.values())
    if not total:
        return []
    ranked = sorted(((s, c) for s, c in counts.items() if c), key=lambda kv: -kv[1])[:k]
    return [IpcSuggestion(section, count / total, ()) for section, count in ranked]
