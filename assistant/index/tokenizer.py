"""Chinese keyword tokens for BM25: jieba words, with identifiers kept whole.

A user who types "沪科规〔2023〕9号", "H01M" or "第三十四条" expects that exact thing; jieba
would cut each into meaningless pieces, so such spans are matched first and kept as
one token. Between them jieba's search mode yields both words and their sub-words
("科技成果转化" → 科技, 成果, 转化, 科技成果转化), which helps recall. Function
words and punctuation carry no topic and are dropped.

Usage example::

    from assistant.index.tokenizer import tokenize
    tokenize("沪科规〔2023〕9号规定的赋权比例")   # ['沪科规〔2023〕9号', '规定', '赋权', '比例']
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

__all__ = ["DOMAIN_TERMS", "STOPWORDS", "in_dictionary", "nouns", "set_cache_dir", "tagged", "tokenize", "words"]

PROTECTED = re.compile(
    "|".join(
        [
            r"[\u4e00-\u9fa5]{0,8}[〔\[［【(（]\d{4}[〕\]］】)）]\d+号",  # document numbers: 沪科规〔2023〕9号
            r"CN\s?\d{8,12}(?:\.[\dX])?[A-Z]?\d?",  # patent / application numbers
            r"\b\d{12}\.[\dX]\b",  # bare application numbers
            r"\b[A-H]\d{2}[A-Z](?:\s?\d{1,4}/\d{1,6})?",  # IPC: H01M or H01M 50/403
            r"第[零〇一二三四五六七八九十百千\d]+[条章节款项]",  # 第三十四条
            r"\d{4}-\d{1,2}-\d{1,2}",  # ISO dates
            r"\d+(?:\.\d+)?\s?[%％]",  # percentages
            r"[A-Za-z][A-Za-z0-9\-]*\d[A-Za-z0-9\-]*",  # codes such as TRL6, GB/T parts, A-001
        ]
    )
)
WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)

# Terms of the trade that jieba's general dictionary splits apart.
DOMAIN_TERMS = (
    "科技成果",
    "科技成果转化",
    "职务科技成果",
    "职务发明",
    "作价投资",
    "协议定价",
    "挂牌交易",
    "净收入",
    "赋权",
    "长期使用权",
    "单列管理",
    "尽职免责",
    "勤勉尽责",
    "开放许可",
    "技术经理人",
    "技术转移",
    "概念验证",
    "创新券",
    "科技创新券",
    "白名单",
    "存量专利",
    "专利盘活",
    "技术合同",
    "技术开发",
    "技术转让",
    "技术许可",
    "技术咨询",
    "技术服务",
    "技术秘密",
    "年度报告",
    "研发机构",
    "高等院校",
    "成果完成人",
    "完成单位",
    "技术交易",
    "技术市场",
    "实施许可",
    "优先受让权",
    "知识产权",
)

STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "对",
        "为",
        "以",
        "于",
        "把",
        "被",
        "将",
        "就",
        "都",
        "而",
        "也",
        "又",
        "并",
        "等",
        "之",
        "其",
        "该",
        "这",
        "那",
        "此",
        "有",
        "无",
        "个",
        "中",
        "上",
        "下",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "么",
        "嘛",
        "哪",
        "哪些",
        "哪个",
        "什么",
        "怎么",
        "怎样",
        "如何",
        "多少",
        "几",
        "谁",
        "是否",
        "能否",
        "可否",
        "可以",
        "能",
        "会",
        "要",
        "需要",
        "应该",
        "请问",
        "请",
        "一下",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "她",
        "它",
        "他们",
        "自己",
        "给",
        "让",
        "向",
        "从",
        "到",
        "由",
        "按",
        "按照",
        "根据",
        "关于",
        "对于",
        "通过",
        "如果",
        "那么",
        "还",
        "还是",
        "吗？",
        "呢？",
        "一个",
        "一些",
        "一种",
        "所",
        "所以",
        "因为",
        "但",
        "但是",
        "不",
        "没有",
        "很",
        "最",
        "更",
        "已",
        "已经",
        "着",
        "过",
        "得",
        "地",
        "啦",
    ]
)


_cache_dir: Path | None = None


def set_cache_dir(folder: Path) -> None:
    """Keep jieba's word table in ``folder`` (the embedding cache dir), read on demand from there.

    Without it jieba loads its whole dictionary (half a second) from a cache file in the
    system temp dir, which is lost on every reboot or container start. Call before the
    first tokenisation.
    """
    global _cache_dir
    _cache_dir = folder


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    if _cache_dir is not None:
        from assistant.index.word_frequencies import WordFrequencies

        # FREQ, total and initialized are the tokenizer's public state; setting them is how a
        # table other than jieba's in-memory dict is handed over (jieba has no parameter for it).
        table = WordFrequencies.open(_cache_dir / "jieba-words.sqlite", jieba.dt, jieba.__version__)
        with jieba.dt.lock:
            jieba.dt.FREQ, jieba.dt.total, jieba.dt.initialized = table, table.total, True
    for term in DOMAIN_TERMS:
        jieba.add_word(term)
    return jieba


DOC_NUMBER = re.compile(r"^([\u4e00-\u9fa5]*)[〔\[［【(（](\d{4})[〕\]］】)）](\d+号)$")
MIN_ISSUER_CHARS = 2  # 沪科规, 国发, 教科技: issuer abbreviations have at least two characters


def _normalise(token: str) -> str:
    return re.sub(r"\s+", "", token).lower().replace("％", "%")


def _variants(token: str) -> list[str]:
    """Extra tokens that let an identifier match however it was cut out of the text.

    A document number is matched greedily together with the words before it
    ("根据沪科规〔2023〕9号"), and may be written with other brackets ("沪科规[2023]9号"),
    so it also yields its bracket-normalised core and every issuer suffix. An IPC group
    ("h01m50/403") also yields its subclass ("h01m") so a query for the subclass matches.
    """
    if doc := DOC_NUMBER.match(token):
        prefix, core = doc.group(1), f"〔{doc.group(2)}〕{doc.group(3)}"
        issuers = {prefix[-n:] for n in range(MIN_ISSUER_CHARS, len(prefix) + 1)}
        return [core, *sorted(issuer + core for issuer in issuers)]
    if (ipc := re.match(r"[a-h]\d{2}[a-z]", token)) and ipc.group(0) != token:
        return [ipc.group(0)]
    return []


def tokenize(text: str) -> list[str]:
    """Keyword tokens of ``text``: identifiers whole, words by jieba, stop words removed."""
    jieba = _jieba()
    tokens: list[str] = []
    position = 0
    for match in PROTECTED.finditer(text):
        tokens.extend(_words(jieba, text[position : match.start()]))
        token = _normalise(match.group(0))
        tokens.append(token)
        tokens.extend(_variants(token))
        position = match.end()
    tokens.extend(_words(jieba, text[position:]))
    return tokens


def _words(jieba, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        w.lower()
        for w in (w.strip() for w in jieba.cut_for_search(text))
        if w and WORD.search(w) and w not in STOPWORDS
    ]


def words(text: str) -> list[str]:
    """jieba's precise segmentation of ``text`` (no overlapping sub-words, nothing dropped)."""
    return [w for w in _jieba().lcut(text) if w.strip()]


NOUN_TAGS = ("n", "eng", "vn")  # jieba POS tags of nouns (n, nr, ns, nt, nz …), English words, verbal nouns


def nouns(text: str) -> list[str]:
    """The nouns of ``text`` (place and organisation names included), lower-cased."""
    import jieba.posseg

    _jieba()
    return [p.word.lower() for p in jieba.posseg.cut(text) if p.flag.startswith(NOUN_TAGS) and len(p.word) >= 2]


def tagged(text: str) -> list[tuple[str, str]]:
    """jieba's precise segmentation of ``text`` with part-of-speech tags (``[("隔膜", "n"), …]``)."""
    import jieba.posseg

    _jieba()
    return [(p.word, p.flag) for p in jieba.posseg.cut(text) if p.word.strip()]


def in_dictionary(word: str) -> bool:
    """Is ``word`` an entry of jieba's dictionary (or one of :data:`DOMAIN_TERMS`)? Debris such as 与良 is not."""
    return bool(_jieba().get_FREQ(word)) or word in DOMAIN_TERMS
