"""Where a rule applies and what authority it has: regions, levels and dates of policy text.

A policy answer is only right for the place it is asked about: Beijing's ≥70% is not the
national 50%, and Shanghai's annual-report dates do not bind a university in Shandong. So
every policy chunk carries a ``region`` and a ``level`` (set at ingest from front matter,
issuer or title), each sentence of an answer is labelled with the region it states, and a
question's region is detected here — once, for ingest, composition and prompts alike.

- **Regions**: every province-level division and the major cities, with their common
  short names (沪, 京, 粤 …); a city knows its province. 全国 is the national level.
- **Levels**: law (法律), regulation (法规: administrative and local regulations), normative
  (规范性文件: State Council / ministry / bureau documents), guide (指南: our own guides),
  faq (问答).
- **Dates**: ``effective_date`` as ISO text, shown as 「2017年6月1日起施行」.

Usage example::

    regions_in("北京市规定科技成果转让的奖励比例不低于多少？")    # ['北京']
    region_of_title("北京市促进科技成果转化条例")                # '北京'
    level_of("中华人民共和国促进科技成果转化法")                  # Level.LAW
    sentence_region("上海条例第三十四条允许不低于70%。", "全国")   # '上海'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "LEVEL_LABELS",
    "NATIONAL",
    "PLACE_NAMES",
    "Level",
    "Region",
    "applies_in",
    "asked_regions",
    "date_label",
    "is_comparison",
    "level_of",
    "parent_of",
    "region_of_title",
    "regions_in",
    "rule_label",
    "sentence_region",
    "source_note",
]

NATIONAL = "全国"


@dataclass(frozen=True)
class Region:
    """A province-level division or a city, the names it goes by, and (for a city) its province."""

    name: str
    aliases: tuple[str, ...]
    parent: str = ""


def _province(name: str, *aliases: str) -> Region:
    return Region(name, aliases)


def _city(name: str, parent: str, *aliases: str) -> Region:
    return Region(name, aliases, parent)


# Short names of one character are kept only where they rarely mean anything else in this
# domain (津 is also 津贴, 晋 also 晋升, 鲁 also 鲁棒, 苏/新/宁/青/吉/云/川/黑 are common words).
REGIONS: tuple[Region, ...] = (
    _province("北京", "北京市", "京"),
    _province("上海", "上海市", "沪"),
    _province("天津", "天津市"),
    _province("重庆", "重庆市", "渝"),
    _province("河北", "河北省", "冀"),
    _province("山西", "山西省"),
    _province("内蒙古", "内蒙古自治区"),
    _province("辽宁", "辽宁省"),
    _province("吉林", "吉林省"),
    _province("黑龙江", "黑龙江省"),
    _province("江苏", "江苏省"),
    _province("浙江", "浙江省", "浙"),
    _province("安徽", "安徽省", "皖"),
    _province("福建", "福建省", "闽"),
    _province("江西", "江西省", "赣"),
    _province("山东", "山东省"),
    _province("河南", "河南省", "豫"),
    _province("湖北", "湖北省", "鄂"),
    _province("湖南", "湖南省", "湘"),
    _province("广东", "广东省", "粤"),
    _province("广西", "广西壮族自治区", "桂"),
    _province("海南", "海南省", "琼"),
    _province("四川", "四川省", "蜀"),
    _province("贵州", "贵州省", "黔"),
    _province("云南", "云南省", "滇"),
    _province("西藏", "西藏自治区"),
    _province("陕西", "陕西省", "陕"),
    _province("甘肃", "甘肃省", "陇"),
    _province("青海", "青海省"),
    _province("宁夏", "宁夏回族自治区"),
    _province("新疆", "新疆维吾尔自治区"),
    _province("香港", "香港特别行政区"),
    _province("澳门", "澳门特别行政区"),
    _province("台湾", "台湾省"),
    _city("深圳", "广东", "深圳市"),
    _city("广州", "广东", "广州市"),
    _city("东莞", "广东", "东莞市"),
    _city("珠海", "广东", "珠海市"),
    _city("佛山", "广东", "佛山市"),
    _city("杭州", "浙江", "杭州市"),
    _city("宁波", "浙江", "宁波市"),
    _city("温州", "浙江", "温州市"),
    _city("南京", "江苏", "南京市"),
    _city("苏州", "江苏", "苏州市"),
    _city("无锡", "江苏", "无锡市"),
    _city("常州", "江苏", "常州市"),
    _city("合肥", "安徽", "合肥市"),
    _city("武汉", "湖北", "武汉市"),
    _city("长沙", "湖南", "长沙市"),
    _city("成都", "四川", "成都市"),
    _city("西安", "陕西", "西安市"),
    _city("济南", "山东", "济南市"),
    _city("青岛", "山东", "青岛市"),
    _city("郑州", "河南", "郑州市"),
    _city("厦门", "福建", "厦门市"),
    _city("福州", "福建", "福州市"),
    _city("南昌", "江西", "南昌市"),
    _city("沈阳", "辽宁", "沈阳市"),
    _city("大连", "辽宁", "大连市"),
    _city("长春", "吉林", "长春市"),
    _city("哈尔滨", "黑龙江", "哈尔滨市"),
    _city("石家庄", "河北", "石家庄市"),
    _city("太原", "山西", "太原市"),
    _city("呼和浩特", "内蒙古", "呼和浩特市"),
    _city("南宁", "广西", "南宁市"),
    _city("海口", "海南", "海口市"),
    _city("贵阳", "贵州", "贵阳市"),
    _city("昆明", "云南", "昆明市"),
    _city("兰州", "甘肃", "兰州市"),
    _city("西宁", "青海", "西宁市"),
    _city("银川", "宁夏", "银川市"),
    _city("乌鲁木齐", "新疆", "乌鲁木齐市"),
    _city("拉萨", "西藏", "拉萨市"),
    _city("雄安", "河北", "雄安新区"),
    _city("浦东", "上海", "浦东新区"),
)
_BY_NAME = {r.name: r for r in REGIONS}
_NAMES = sorted({n for r in REGIONS for n in (r.name, *r.aliases)}, key=len, reverse=True)
_NAME_TO_REGION = {n: r.name for r in REGIONS for n in (r.name, *r.aliases)}
# 京 inside 南京/北京 is matched by the longer name first; these compounds are not places.
_NOT_A_PLACE = re.compile(r"京东|京剧|东京|北京时间")
# How a question names a place, for swapping one place for another in a follow-up ("那北京呢？"):
# names of two characters or more (a lone 京 or 沪 is too easily part of another word), longest
# first, and the words for the national level.
PLACE_NAMES: tuple[str, ...] = (*(n for n in _NAMES if len(n) >= 2), "国家层面", NATIONAL)
_REGION_PATTERN = re.compile("|".join(re.escape(n) for n in _NAMES))
_NATIONAL_WORDS = re.compile(r"全国|国家层面|国家规定|国家标准|全国性")

# Sentence cues for the national level: national laws and State Council / ministry documents.
_NATIONAL_SOURCES = re.compile(
    r"中华人民共和国|《(?:促进科技成果转化法|专利法|专利法实施细则|科学技术进步法|民法典|合同法)》|"
    r"促进科技成果转化法|专利法实施细则|《专利法》|科学技术进步法》|民法典|国务院|国发〔|国办发〔|国科发|"
    r"教科技〔|国知发|最高人民法院|司法解释|国家知识产权局|(?:科技|教育|财政)部(?!门)|国家标准|GB/T|"  # 区科技部门 is local
    # other central bodies: 国家市场监督管理总局, 国家发展和改革委员会, 工业和信息化部 …
    r"国家[\u4e00-\u9fff]{1,10}?(?:总局|局|委员会)|国家发展改革委|工业和信息化部|人力资源和?社会保障部|商务部|农业农村部|国资委"
)
# Document numbers and bodies that name a region without its name: 沪科规〔2023〕9号, 本市.
_REGIONAL_DOC_NO = {"沪": "上海", "京": "北京", "粤": "广东", "浙": "浙江", "苏": "江苏", "鲁": "山东"}
_DOC_NO = re.compile(r"([沪京粤浙苏鲁])[\u4e00-\u9fff]{0,3}〔")
# A title or issuer that opens with a city, prefecture, county or province we do not list
# (嘉兴市…办法, 示例市人大常委会): 2–4 characters before the suffix, 市场 is not a place.
_UNLISTED_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,4}?)(?:市(?!场)|省|自治区|自治州|县)")
_LOCAL_SELF = re.compile(r"本市|本省|本自治区")


def regions_in(text: str) -> list[str]:
    """The regions ``text`` names (canonical names, in order of first mention, 全国 when it says so).

    Longest names win (南京 is not 京), document numbers count (沪科规〔2023〕9号 → 上海).
    """
    cleaned = _NOT_A_PLACE.sub("", text)
    found: list[str] = []
    for match in _REGION_PATTERN.finditer(cleaned):
        name = _NAME_TO_REGION[match.group(0)]
        if name not in found:
            found.append(name)
    for match in _DOC_NO.finditer(cleaned):
        name = _REGIONAL_DOC_NO[match.group(1)]
        if name not in found:
            found.append(name)
    if _NATIONAL_WORDS.search(cleaned) and NATIONAL not in found:
        found.append(NATIONAL)
    return found


_SET_ASIDE = re.compile(r"(?:不看|不考虑|不算|撇开|除了?|抛开)\s*$")
_SET_ASIDE_AFTER = re.compile(r"^\s*(?:以外|之外|除外)")


def asked_regions(question: str) -> list[str]:
    """The regions a question asks about: those it names, minus those it sets aside (「不看上海，全国…」)."""
    asked = []
    for region in regions_in(question):
        names = [n for n, r in _NAME_TO_REGION.items() if r == region] + ([region] if region == NATIONAL else [])
        spots = [m.start() for n in names for m in re.finditer(re.escape(n), question)]
        ends = [m.end() for n in names for m in re.finditer(re.escape(n), question)]
        aside = any(_SET_ASIDE.search(question[max(0, i - 4) : i]) for i in spots) or any(
            _SET_ASIDE_AFTER.match(question[e : e + 3]) for e in ends
        )
        if not aside:
            asked.append(region)
    return asked


def parent_of(region: str) -> str:
    """The province of a city (深圳 → 广东), else ``""``."""
    known = _BY_NAME.get(region)
    return known.parent if known else ""


def applies_in(rule_region: str, asked: str) -> bool:
    """Does a rule of ``rule_region`` bind in ``asked``? National rules bind everywhere; a province's bind its cities."""
    return rule_region in (NATIONAL, asked) or rule_region == parent_of(asked)


def region_of_title(title: str, issuer: str = "", doc_no: str = "") -> str:
    """The region of a document from its title, issuer and number ("" when none of them says).

    《中华人民共和国…法》, State Council and ministry documents are national; 北京市促进科技成果
    转化条例 is Beijing's; 沪科规〔2023〕9号 is Shanghai's.
    """
    for text in (title, issuer, doc_no):
        named = [r for r in regions_in(text) if r != NATIONAL]
        if named:
            return named[0]
        if _NATIONAL_SOURCES.search(text) or text.startswith("全国"):
            return NATIONAL
    for text in (title, issuer):  # a place not in REGIONS is still a place, never the national level
        unlisted = _UNLISTED_PLACE.match(text)
        if unlisted:
            return unlisted.group(1)
    return ""


def sentence_region(sentence: str, default: str) -> str:
    """The region a sentence states a rule for: the one it names, else its chunk's ``default``.

    A sentence naming a regional source (上海条例, 本市, 沪科规) is that region's, unless it
    also cites a national source first; one citing only national sources is national.
    """
    named = [r for r in regions_in(sentence) if r != NATIONAL]
    national = bool(_NATIONAL_SOURCES.search(sentence))
    if named and not national:
        return named[0]
    if named and national:
        first_regional = min(sentence.find(n) for n in _NAMES if _NAME_TO_REGION[n] == named[0] and n in sentence)
        first_national = _NATIONAL_SOURCES.search(sentence)
        assert first_national is not None
        return named[0] if first_regional < first_national.start() else NATIONAL
    if national:
        return NATIONAL
    if _LOCAL_SELF.search(sentence) and default != NATIONAL:
        return default
    return default


def is_comparison(text: str) -> bool:
    """Does ``text`` set a national figure beside a regional one (国家：…50%；上海：…70%)? Then neither label fits it alone."""
    named = [r for r in regions_in(text) if r != NATIONAL]
    national = _NATIONAL_SOURCES.search(text) or re.search(r"国家[（(：:]", text)
    figures = re.findall(r"\d+(?:\.\d+)?\s*[%％元年]", text)
    return (
        bool(named)
        and bool(national)
        and len(figures) >= 2
        and bool(re.search(r"[；;，,].*(?:" + "|".join(named) + r"|国家)", text))  # 「国家标准50%，上海条例70%」
    )


class Level(StrEnum):
    """The authority of a policy text, highest first."""

    LAW = "law"
    REGULATION = "regulation"
    NORMATIVE = "normative"
    GUIDE = "guide"
    FAQ = "faq"

    @classmethod
    def parse(cls, value: str) -> Level | None:
        """A level written in English or Chinese (法律, 法规, 规范性文件, 指南, 问答); None when unknown."""
        value = value.strip().lower()
        for level in cls:
            if value in (level.value, LEVEL_LABELS[level]):
                return level
        return None


LEVEL_LABELS = {
    Level.LAW: "法律",
    Level.REGULATION: "法规",
    Level.NORMATIVE: "规范性文件",
    Level.GUIDE: "指南",
    Level.FAQ: "问答",
}
_LAW_TITLE = re.compile(r"^(?:中华人民共和国)?[\u4e00-\u9fff]{2,20}法(?:（\d{4}[^）]*）)?$")
_REGULATION_TITLE = re.compile(r"条例|实施细则|规定$|司法解释|若干问题的解释")
_NORMATIVE_TITLE = re.compile(r"办法|方案|意见|通知|规定|决定|规划|指引|细则|〔\d{4}〕")


def level_of(title: str, issuer: str = "", doc_no: str = "", *, is_faq: bool = False) -> Level:
    """The level of a document from its title (and issuer, number): 法 → law, 条例 → regulation …

    Our own guides (issuer 科转助手编写组, or a title ending 指南) are guides; anything not
    recognisable is a guide too — it is the weakest claim.
    """
    if is_faq:
        return Level.FAQ
    name = re.sub(r"[《》\s]", "", title)
    if "编写组" in issuer or name.endswith(("指南", "要点", "一览", "问答")):
        return Level.GUIDE
    if _LAW_TITLE.match(name) and not name.endswith(("办法", "方法")):
        return Level.LAW
    if _REGULATION_TITLE.search(name):
        return Level.REGULATION
    if _NORMATIVE_TITLE.search(name) or doc_no:
        return Level.NORMATIVE
    return Level.GUIDE


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def date_label(iso: str) -> str:
    """``2017-06-01`` → ``2017年6月1日`` (other text unchanged)."""
    match = _ISO_DATE.match(iso.strip())
    if not match:
        return iso.strip()
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def rule_label(region: str, *, asked: str = "", effective_date: str = "", superseded: bool = False) -> str:
    """How an answer labels a cited rule: 〔全国性规定，在上海同样适用，2015年10月1日起施行〕.

    :param asked: the region the question asks about (a national rule then says it applies there).
    """
    if not region:
        where = ""
    elif region == NATIONAL:
        where = f"全国性规定，在{asked}同样适用" if asked and asked != NATIONAL else "全国性规定"
    else:
        where = f"{region}地方规定"
    parts = [p for p in (where,) if p]
    if effective_date:
        parts.append(f"{date_label(effective_date)}起施行")
    if superseded:
        parts.append("已被修订或废止")
    return f"〔{'，'.join(parts)}〕" if parts else ""  # no 「；」: a label is not a sentence of its own


def source_note(meta: dict[str, object]) -> str:
    """A cited source's region, level and validity for a sources panel: 「上海 · 指南 · 2017年6月1日起施行」."""
    parts = [str(meta["region"])] if meta.get("region") else []
    level = Level.parse(str(meta.get("level", "")))
    if level is not None:
        parts.append(LEVEL_LABELS[level])
    if meta.get("effective_date"):
        parts.append(f"{date_label(str(meta['effective_date']))}起施行")
    if meta.get("repealed_date"):
        parts.append(f"{date_label(str(meta['repealed_date']))}起失效")
    if meta.get("superseded_by"):
        parts.append(f"已被{meta['superseded_by']}取代")
    return " · ".join(parts)
