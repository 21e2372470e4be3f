"""The service-agency whitelist: list, filter, score and recommend agencies.

Whether an agency is on the 科技创新券 whitelist comes only from the data (the
``是否白名单`` column); nothing here infers it. Recommendations only ever contain
whitelisted agencies, and every listing states each agency's flag as recorded.

The overall score is a weighted mean of the six whitelist criteria (0–100); the criteria,
their weights and the reasons for them are defined once, in :mod:`assistant.domain`.

Usage example::

    recommend_agencies(index, "需要专利价值评估和作价入股方案", k=3)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from assistant.domain import CRITERIA, NO_FIELD_LIMIT, Agency, fields_named
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.query import clean_query
from assistant.records import DocType

__all__ = ["CRITERIA", "ListedAgency", "list_agencies", "recommend_agencies", "services_for"]
# CRITERIA is re-exported for ui/app_pages/agencies.py, which imports it from here.

# Words of a need → the service that meets it.
NEED_SERVICES = {
    "价值评估": ("评估", "估值", "价值", "作价", "定价", "分级"),
    "专利代理": ("专利申请", "代理", "撰写", "权利要求", "审查意见", "申请前"),
    "科技金融": ("融资", "质押", "股权", "入股", "投资", "金融"),
    "法律服务": ("合同", "法律", "律师", "纠纷", "合规", "尽职"),
    "技术经纪": ("经纪", "撮合", "买家", "对接", "推广", "找企业"),
    "概念验证": ("概念验证", "中试", "样机", "验证"),
    "知识产权运营": ("运营", "许可", "盘活", "开放许可"),
    "技术咨询": ("咨询", "规划", "布局"),
    "检验检测": ("检测", "检验", "测试"),
    "人才培训": ("培训", "技术经理人"),
}
WEIGHTS = {"relevance": 0.5, "services": 0.3, "overall": 0.2}
SEARCH_DEPTH = 30


@dataclass(frozen=True)
class ListedAgency(Agency):
    """An agency as the CLI and the UI show it: the record, and in recommendations why it was chosen."""

    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "whitelisted": self.whitelisted,
            "services": list(self.services),
            "fields": list(self.fields),
            "region": self.region,
            "scores": dict(self.scores),
            "overall": round(self.overall, 1),
            "contact": self.contact,
            "reasons": list(self.reasons),
        }


def list_agencies(
    index: KnowledgeIndex,
    audience: Audience,
    *,
    service: str | None = None,
    field: str | None = None,
    region: str | None = None,
    whitelisted_only: bool = False,
) -> list[ListedAgency]:
    """Agencies matching the filters, best overall score first."""
    agencies = [ListedAgency.from_chunk(c) for c in index.records(DocType.AGENCY, audience)]
    chosen = [
        a
        for a in agencies
        if (not whitelisted_only or a.whitelisted)
        and (not service or any(service in s for s in a.services))
        and (not field or a.serves_field(field))
        and (not region or region in a.region)
    ]
    return sorted(chosen, key=lambda a: (-a.whitelisted, -a.overall))


def services_for(need: str) -> list[str]:
    """The services a need asks for, from its words."""
    return [service for service, words in NEED_SERVICES.items() if service in need or any(w in need for w in words)]


def recommend_agencies(index: KnowledgeIndex, need: str, audience: Audience, *, k: int = 5) -> list[ListedAgency]:
    """Whitelisted agencies for a need, with reasons; non-whitelisted ones are never returned.

    A need that names a field (「抗体药物」 → 生物医药) ranks the agencies that serve that field
    first, then those serving every field (不限), then the rest — among agencies offering a
    service the need asks for, which come before those offering none; within each group the score
    weighs relevance, the services asked for and the six whitelist criteria. The reasons say
    which service and which field matched, and give the agency's contact from the whitelist data.

    :raises EmptyQueryError: the need is empty.
    """
    text, _ = clean_query(need)
    wanted = services_for(text)
    fields = fields_named(text)
    hits = index.search(text, audience, top_k=SEARCH_DEPTH, doc_types=[DocType.AGENCY])
    ranked = []
    for rank, hit in enumerate(hits):
        agency = ListedAgency.from_chunk(hit.chunk)
        if not agency.whitelisted:
            continue
        offered = [s for s in wanted if s in agency.services]
        coverage = len(offered) / len(wanted) if wanted else 0.0
        score = (
            WEIGHTS["relevance"] / (1 + 0.2 * rank)
            + WEIGHTS["services"] * coverage
            + WEIGHTS["overall"] * agency.overall / 100
        )
        served = [f for f in fields if any(f in label for label in agency.fields)]
        field_group = 0 if served or not fields else 1 if NO_FIELD_LIMIT in agency.fields else 2
        group = field_group + (2 if wanted and not offered else 0)  # an agency offering none of the services comes last
        year = f"（{agency.assessment_year}年评估）" if agency.assessment_year else ""
        reasons = [f"科技创新券白名单机构{year}"]
        reasons += [f"服务匹配：需求要{'、'.join(offered)}，该机构提供 ✓"] if offered else []
        missing = [s for s in wanted if s not in agency.services]
        reasons += [f"不提供：{'、'.join(missing)}"] if missing else []
        if served:
            reasons.append(f"领域匹配：需求属{'、'.join(fields)}，该机构服务{'、'.join(served)} ✓")
        elif fields and field_group == 1:
            reasons.append(f"领域：服务不限领域（需求属{'、'.join(fields)}）")
        elif fields:
            reasons.append(f"领域不符：需求属{'、'.join(fields)}，该机构服务{'、'.join(agency.fields)} ✗")
        else:
            reasons.append(f"服务领域：{'、'.join(agency.fields)}")
        reasons.append(f"综合评分 {agency.overall:.1f}（六项条件加权）")
        reasons += [f"联系：{agency.contact}"] if agency.contact else []
        ranked.append((group, -score, replace(agency, reasons=tuple(reasons))))
    ranked.sort(key=lambda item: item[:2])
    return [agency for _, _, agency in ranked[:k]]
