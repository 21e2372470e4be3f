"""What a match shows a person: a card that opens (abstract, holder, terms, contact) and readable reasons.

Reasons are built for the matches shown only, never for every candidate: the words two texts
share are checked against jieba's dictionary and part-of-speech tags of the sentences that hold
them (only nouns of the dictionary count, so debris of the search segmentation such as 「与良」
from 与良恶性 or 「二氧化」 from 二氧化碳 never shows), and the patent sentence that carries
most of the query's keywords is quoted whole.

Usage example::

    card(chunk)            # {"abstract": …, "holder": "示例交通大学", "contact": "示例交通大学技术转移办公室…"}
    shared_words(query_words, chunk.text)  # ["隔膜", "耐高温"]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from assistant.domain import Demand, Disclosure, Patent, describe_maturity, parse_record
from assistant.index.tokenizer import DOMAIN_TERMS, in_dictionary, tagged
from assistant.records import Chunk
from assistant.text import split_sentences

__all__ = ["CARD_LABELS", "card", "query_words", "quote", "shared_words"]

# Card fields in display order, with their Chinese labels (the CLI JSON uses the keys).
CARD_LABELS = {
    "abstract": "摘要",
    "problem": "需求描述",
    "holder": "权利人",
    "enterprise": "企业",
    "ipc": "IPC分类号",
    "legal_status": "法律状态",
    "maturity": "成熟度",
    "cooperation_modes": "合作方式",
    "asking_price": "意向价格",
    "budget": "预算",
    "deadline": "截止日期",
    "region": "所在地区",
    "contact": "联系",
}
# Part-of-speech tags of words worth naming as shared: nouns of every kind, verbal and
# adjectival nouns, English words (jieba's tags; verbs are left out, 「例假」 in 每例假阳性 is one).
WORD_TAGS = ("n", "nz", "nt", "ns", "nl", "ng", "vn", "an", "eng")
# Nouns every demand and patent uses that say nothing about the technology.
GENERIC_WORDS = frozenset(
    [
        "问题",
        "方法",
        "技术",
        "产品",
        "企业",
        "公司",
        "系统",
        "设备",
        "装置",
        "工艺",
        "方案",
        "效果",
        "成本",
        "时间",
        "情况",
        "客户",
        "顾客",
        "工人",
        "需求",
        "要求",
        "时候",
        "现场",
        "项目",
        "方式",
        "本发明",
        "发明",
        "结构",
        "过程",
        "能力",
        "用户",
        "人员",
        "效率",
        "质量",
        "目标",
        "条件",
        "作用",
        "领域",
        "性能",
        "方面",
        "材料",
        "部分",
        "一种",
        "所述",
        "数据",
        "信息",
        "价格",
        "预算",
        "合作",
        "行业",
        "市场",
        "东西",
        "办法",
        "事情",
        "地方",
        "老师傅",
        "师傅",
    ]
)
SHARED_SHOWN = 4
QUOTE_MAX_CHARS = 90  # a longer sentence is quoted by its best clause, never cut inside one


def card(chunk: Chunk) -> dict[str, str]:
    """The facts a person opens a match for, by :data:`CARD_LABELS` key (empty fields left out)."""
    record = parse_record(chunk)
    fields: dict[str, str] = {}
    if isinstance(record, Patent):
        fields = {
            "abstract": record.abstract,
            "holder": record.applicant,
            "ipc": "；".join(record.ipc_codes),
            "legal_status": record.legal_status,
            "maturity": _maturity(record.maturity.text, record.maturity.trl),
            "cooperation_modes": "、".join(record.cooperation_modes),
            "asking_price": record.asking_price.text or "未标价",
            "contact": f"{record.holder}技术转移办公室（成果转化部门），说明专利号 {record.id}"
            if record.holder
            else "",
        }
    elif isinstance(record, Demand):
        fields = {
            "problem": record.problem,
            "enterprise": record.enterprise,
            "cooperation_modes": "、".join(record.cooperation_modes),
            "budget": record.budget.text,
            "maturity": describe_maturity(record.required_maturity),
            "deadline": record.deadline.isoformat() if record.deadline else "",
            "region": record.region,
            "contact": f"{record.enterprise}（经技术转移办公室或技术交易平台对接，说明需求编号 {record.id}）",
        }
    elif isinstance(record, Disclosure):
        fields = {"holder": record.issuer or record.owner, "contact": "本校技术转移办公室（未公开的披露，仅限校内）"}
    return {key: value for key, value in fields.items() if value}


def _maturity(text: str, trl: int | None) -> str:
    if trl is None:
        return text
    return text if text.upper().startswith("TRL") else f"{text}（TRL{trl}）"


def query_words(query: str) -> set[str]:
    """The query's real words worth sharing: dictionary nouns by POS tag, generic ones left out."""
    return {word for word, tag in tagged(query) if _meaningful(word, tag)}


def shared_words(words: set[str], text: str, weight: Callable[[str], float]) -> list[str]:
    """Words of ``words`` that are also real words of ``text``, heaviest first.

    Only the sentences of ``text`` that contain a candidate are segmented, so a card costs a
    few jieba calls, not a full re-tokenisation of every candidate.
    """
    candidates = [w for w in words if w in text]
    if not candidates:
        return []
    sentences = [s for s in split_sentences(text) or [text] if any(w in s for w in candidates)]
    found = {word for sentence in sentences for word, tag in tagged(sentence) if word in candidates}
    return sorted(found, key=weight, reverse=True)[:SHARED_SHOWN]


def _meaningful(word: str, tag: str) -> bool:
    if word in DOMAIN_TERMS:
        return True
    return (
        len(word) >= 2
        and tag in WORD_TAGS
        and word not in GENERIC_WORDS
        and not re.fullmatch(r"[\d.%]+", word)
        and (tag == "eng" or in_dictionary(word))
    )


def quote(text: str, tokens: Iterable[str], weight: Callable[[str], float]) -> str:
    """The sentence of ``text`` that holds most of the query's keyword weight, whole.

    With no keyword in common, the sentence that states the problem solved (「解决了…问题」)
    stands in; a sentence longer than :data:`QUOTE_MAX_CHARS` is quoted by its best clause.
    """
    terms = {t for t in tokens if len(t) >= 2}
    sentences = [s.strip() for s in split_sentences(text) if s.strip()]
    if not sentences:
        return ""

    def score(part: str) -> float:
        return sum(weight(t) for t in terms if t in part)

    best = max(sentences, key=score)
    if score(best) == 0:
        best = next((s for s in sentences if "解决了" in s), sentences[0])
    if len(best) <= QUOTE_MAX_CHARS:
        return best
    clauses = [c for c in re.split(r"(?<=[；;，,：:])", best) if c.strip()]
    clause = max(clauses, key=score) if score(best) else next((c for c in clauses if "解决了" in c), clauses[0])
    return clause.strip().rstrip("；;，,：:") + "…" if clause.strip() != best else best
