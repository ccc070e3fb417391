"""Quantities in Chinese report sentences: value, unit, scale, qualifier, measure and kind.

"超380亿元" -> 3.8e10 元, more_than; "4000人次以上" -> 4000 人次, at_least; "增长4%左右" -> growth 4 %,
about; "控制在25万吨标准煤以内" -> 2.5e5 吨标准煤, at_most; "两年平均增长5.7%" -> growth, average;
"增长6%－6.5%" -> growth 6 to 6.5 %, range; "由2010年的5.24亿元增加到…" -> 5.24e8 元, baseline.
Expects normalised text (no spaces between CJK and digits).
"""
from __future__ import annotations

import re
from dataclasses import replace

from .model import Quantity

CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SCALES = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}
UNITS = sorted(
    """个百分点 吨标准煤 平方公里 平方米 千瓦时 公顷 公里 千米 人次 剂次 万人 元 美元 户 家 个 项 件 场 台 套 所 对 张 条 处 间
    宗 批 名 位 座 辆 亩 吨 千瓦 天 倍 艘 部 份 支 根 人 站 类 岁 床 斤 立方米 标箱 GW 次 篇 本 例 片 株 棵""".split(),
    key=len,
    reverse=True,
)
RATE_UNITS = ("%", "‰", "个百分点")  # rates: growth, decline or share, never a level
# Units that need a count (Chinese numerals are only read before these, to avoid "一体化", "三大").
COUNT_UNITS = "个项家件场台套所对张条处间宗批名位座辆部份支根类次例片本篇"

NUMBER = r"(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九十]{1,3}(?=(?:[%s])))" % COUNT_UNITS
PATTERN = re.compile(
    r"(?P<pre>不超过|不低于|不少于|超过|超|逾|近|约|达到|控制在)?"
    + NUMBER
    # a range: 6%－6.5%, 8%至10%, 6-6.5% (a unit after the first figure must follow the second too)
    + r"(?:(?P<first_unit>%|‰)?[－\-—–～~至](?P<upper>\d+(?:\.\d+)?)(?(first_unit)(?=(?P=first_unit))))?"
    + r"(?P<scale>万亿|亿|万|千(?!米|瓦)|百(?=万))?"
    + r"(?P<unit>%|‰|" + "|".join(map(re.escape, UNITS)) + r")?"
    + r"(?P<post>以上|以内|以下|左右|上下|多|余)?"
)
GROWTH = re.compile(r"(?:增长|增加|提高|提升|上涨|涨幅|增速|增幅|回升)(?:率)?(?:为|达到|达)?$")
DECLINE = re.compile(r"(?:下降|降低|降幅|减少|压减|压缩|下调|回落)(?:率)?(?:为|达到|达)?$")
# A figure right after 由/从 (and a year) is where a change started, not what was reached.
BASELINE = re.compile(r"(?:由|从)(?:\d{4}年(?:底|末)?的?)?$")
AVERAGE = re.compile(r"平均(?:增长|增速)?$")
CLAUSE_BREAK = re.compile(r"[，、；：。！？（）“”《》]")
LEADING_NOISE = re.compile(r"^(?:全年|累计|预计|力争|全区|全市|其中|新增|实现|完成|开展|达到|达|共|约|超|为)+")
QUALIFIERS = {
    "以上": "at_least", "不低于": "at_least", "不少于": "at_least",
    "超": "more_than", "超过": "more_than", "逾": "more_than", "多": "more_than", "余": "more_than",
    "左右": "about", "约": "about", "上下": "about",
    "以内": "at_most", "以下": "at_most", "不超过": "at_most", "控制在": "at_most",
    "近": "just_under",
}


def _cn_number(text: str) -> float:
    if text.isdigit() or "." in text:
        return float(text)
    if text == "十":
        return 10.0
    if "十" in text:
        tens, _, units = text.partition("十")
        return float((CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(units, 0) if units else 0))
    return float(CN_DIGITS.get(text, 0))


# Characters of the clause before a figure kept as its measure: enough for the subject of a ratio
# (环保投入相当于全市生产总值的比例保持在), which the rate stage compares.
MEASURE_CHARS = 24


def parse(text: str) -> list[Quantity]:
    quantities: list[Quantity] = []
    for match in PATTERN.finditer(text):
        number, unit, scale = match.group("num"), match.group("unit") or "", match.group("scale") or ""
        start, end = match.span()
        after = text[end:end + 1]
        before = text[max(0, match.start("num") - 1):match.start("num")]
        if before == "第" or (after and after.isascii() and after.isalpha()) or (after and after in "版"):
            continue
        if re.fullmatch(r"\d{4}", number) and (after == "年" or unit in ("", "年")):
            continue
        if after == "年" and not unit:
            continue
        if not unit and not scale:
            continue  # a bare number ("“3+3”", "6大组团") is not a quantity
        value = round(_cn_number(number) * SCALES.get(scale, 1.0), 6)
        upper = round(float(match.group("upper")) * SCALES.get(scale, 1.0), 6) if match.group("upper") else None
        if unit == "万人":
            value, unit = value * 1e4, "人"
            upper = upper * 1e4 if upper is not None else None
        prefix = text[:match.start()]
        clause = CLAUSE_BREAK.split(prefix)[-1]
        kind = "level"
        if unit in RATE_UNITS:
            if GROWTH.search(clause):
                kind = "growth"
            elif DECLINE.search(clause):
                kind = "change"
                value, upper = -value, -upper if upper is not None else None
            else:
                kind = "share"
        elif DECLINE.search(clause) and unit:
            kind = "change"
        if BASELINE.search(clause):
            kind = "baseline"
        qualifier = QUALIFIERS.get(match.group("post") or "") or QUALIFIERS.get(match.group("pre") or "")
        if upper is not None:
            qualifier = "range"
        if qualifier is None and "力争" in text[max(0, match.start() - 30):match.start()]:
            qualifier = "aim"
        measure = GROWTH.sub("", DECLINE.sub("", AVERAGE.sub("", clause)))
        measure = LEADING_NOISE.sub("", measure).strip()[-MEASURE_CHARS:]
        if unit in COUNT_UNITS or unit in ("人", "户", "人次") or not measure:
            following = CLAUSE_BREAK.split(text[end:])[0]
            measure = f"{measure}…{following[:10]}" if following else measure
        if not measure and quantities:
            measure = quantities[-1].measure
        quantities.append(
            Quantity(
                text=match.group(0),
                value=value,
                unit=unit,
                qualifier=qualifier,
                measure=measure,
                kind=kind,
                average=bool(AVERAGE.search(re.sub(r"(?:增长|增速)$", "", clause)) or "年平均" in clause),
                start=start,
                end=end,
                upper=upper,
            )
        )
    return _distribute(text, quantities)


# "A、B分别为4.8%左右和4.3%左右": each figure belongs to its own subject, in order.
RESPECTIVELY = re.compile(r"分别")
SUBJECT_BREAK = re.compile(r"[，；：。！？]")
SUBJECT_JOINERS = re.compile(r"、|和|与|及")


def _distribute(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """Give the figures after 分别 the subjects listed before it (or the one subject they share,
    "城乡居民收入分别增长7%和8%"), with the verb after 分别 deciding growth or decline for all."""
    for match in RESPECTIVELY.finditer(text):
        clause_start = max((m.end() for m in SUBJECT_BREAK.finditer(text, 0, match.start())), default=0)
        clause_end = next((m.start() for m in SUBJECT_BREAK.finditer(text, match.end())), len(text))
        indices = [i for i, q in enumerate(quantities) if match.end() <= q.start < clause_end]
        if not indices:
            continue
        verb = text[match.end():quantities[indices[0]].start]
        subject = LEADING_NOISE.sub("", text[clause_start:match.start()]).strip()
        subjects = SUBJECT_JOINERS.split(subject)
        if len(subjects) != len(indices):
            subjects = [subject] * len(indices)
        shared_qualifier = quantities[indices[-1]].qualifier
        for index, measure in zip(indices, subjects):
            quantity = quantities[index]
            kind, value, upper = quantity.kind, quantity.value, quantity.upper
            sign = 1.0 if GROWTH.search(verb) else -1.0 if DECLINE.search(verb) else 0.0
            if quantity.unit in RATE_UNITS and sign:  # the verb decides the kind, and so the sign
                kind = "growth" if sign > 0 else "change"
                value, upper = sign * abs(value), sign * abs(upper) if upper is not None else None
            quantities[index] = replace(quantity, measure=measure, kind=kind, value=value, upper=upper,
                                        qualifier=quantity.qualifier or shared_qualifier)
    return quantities
