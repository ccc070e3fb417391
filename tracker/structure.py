"""Structure: sections (review of year N, plan of year N+1, other parts), chapters, paragraphs,
sentences with locations, and the role of each sentence (body, lead, heading, target, …).

Works for both genres: the development-plan report (…计划执行情况 / …计划安排建议) and the
government work report (…年工作回顾 / …年主要任务 / 今年工作安排 / 总体部署).
"""
from __future__ import annotations

import re

from .errors import StructureError
from .ingest import CHAPTER_LINE, SECTION_LINE, normalise
from .model import Location, Report, Section, Sentence, Source

SPLIT_AT = "。！？；"
OPENERS = {"“": "”", "《": "》", "（": "）", "‘": "’", "「": "」", "【": "】"}
MAX_HEADING = 70

REVIEW_TITLE = re.compile(r"执行情况|工作回顾|的回顾|回顾$|^关于过去(?:一|五)年的政府工作$")
OTHER_TITLE = re.compile(r"十[一二三四五六七八九]五|五年规划|今后五年|远景目标|纲要|说明$")
PLAN_TITLE = re.compile(r"计划|安排|任务|重点工作|部署|总体要求|建议|工作$|主要目标|政策取向")
YEAR = re.compile(r"(\d{4})年")
DELIVERED = re.compile(r"(\d{4})年\d{1,2}月\d{1,2}日")

# Sentence roles inside the plan that are not commitments.
TARGET_INTRO = re.compile(r"(?:预期)?目标(?:如下|是|为)?[：:]$")
ADDRESS = re.compile(r"^各位代表[！!：:，,]?$")
META = re.compile(r"以下.{0,6}(?:工作|方面|任务|重点)|(?:如下|以下)[：:]$|" + ADDRESS.pattern)
# A look back inside the plan ("过去一年，国防和军队建设扎实推进…") commits to nothing.
RETROSPECTIVE = re.compile(r"^(?:过去(?:的)?一年|一年来|五年来|去年)")
FORWARD = re.compile(r"今年|要|将")
CLOSING = re.compile(r"^(?:各位代表[，,！!]?)?让我们")
PREAMBLE = re.compile(r"为指导|指导思想|总体思路|总基调|之年|开局之年|关键一年|根据以上思路")
# Thanks and attributions ("我代表…向…表示衷心感谢", "这是…的结果"): ceremony, neither a statement
# of what was done nor a promise.
ACKNOWLEDGEMENT = re.compile(r"我代表.{0,30}向|致以(?:崇高的)?敬意|表示(?:衷心的|诚挚的)?感谢|^(?:这|这些成绩|成绩的取得|过去一年取得的成绩)是.{0,80}的结果")
# In the problems paragraph, an admitted miss ("节能减排、物价调控目标没有完成") is evidence.
SHORTFALL = re.compile(r"(?:没有|未能|未)(?:完成|实现|达到)")
PROBLEMS = re.compile(r"(?:存在|面临).{0,12}(?:问题|困难|不足|短板)|清醒(?:地)?(?:看到|认识)")
CJK_NUMERAL = "一二三四五六七八九十"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences in `text`, split at 。！？； outside quotes and brackets."""
    spans: list[tuple[int, int]] = []
    stack: list[str] = []
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char in OPENERS:
            stack.append(OPENERS[char])
        elif stack and char == stack[-1]:
            stack.pop()
        elif char in OPENERS.values() and char in stack:
            while stack and stack.pop() != char:
                pass
        elif char in SPLIT_AT and (not stack or index - start > 400):
            end = index + 1
            while end < len(text) and text[end] in "”’」』）》":
                end += 1
            stack.clear()
            spans.append((start, end))
            start = index = end
            continue
        index += 1
    if text[start:].strip():
        spans.append((start, len(text)))
    return [(s, e) for s, e in _trim(text, spans) if e > s]


def _trim(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    trimmed = []
    for start, end in spans:
        while start < end and text[start] in " \t\u3000\n":
            start += 1
        while end > start and text[end - 1] in " \t\u3000\n":
            end -= 1
        trimmed.append((start, end))
    return trimmed


def _content_length(text: str) -> int:
    return sum(1 for char in text if char.isalnum())


class _Builder:
    """Walks the paragraphs once, tracking section and chapter, emitting located sentences."""

    def __init__(self, source: Source):
        self.source = source
        self.sentences: list[Sentence] = []
        self.sections: list[Section] = []

    def sentence(self, norm: str, norm_map: list[int], para_start: int, span: tuple[int, int],
                 section: str, chapter: str, paragraph: int, position: int, kind: str) -> Sentence:
        start, end = span
        clean_start = para_start + norm_map[start]
        clean_end = para_start + norm_map[end - 1] + 1
        offsets = self.source.clean_offsets
        location = Location(self.source.line_of(offsets[clean_start]), offsets[clean_start], offsets[clean_end - 1] + 1)
        notes = [
            self.source.footnotes[number]
            for at, number in self.source.footnote_refs
            if clean_start <= at <= clean_end and number in self.source.footnotes
        ]
        sentence = Sentence(
            id=f"S{len(self.sentences) + 1:04d}",
            text=self.source.clean[clean_start:clean_end],
            norm=norm[start:end],
            location=location,
            section=section,
            chapter=chapter,
            paragraph=paragraph,
            position=position,
            kind=kind,
            footnotes=notes,
        )
        self.sentences.append(sentence)
        return sentence


def _section_kind(title: str, plan_seen: bool, review_seen: bool) -> str:
    """review / plan / other. After the review, a section without a title of its own kind is part
    of the plan (the 1990s State Council reports: 一、１９９１年国内工作的回顾, then 二、抓紧有利时机，
    加快经济发展 … for the new year)."""
    if OTHER_TITLE.search(title) and not REVIEW_TITLE.search(title):
        return "other"
    if REVIEW_TITLE.search(title):
        return "review"
    has_year = bool(YEAR.search(title)) or "今年" in title or "明年" in title
    if has_year and PLAN_TITLE.search(title):
        return "plan"
    return "plan" if plan_seen or review_seen else "other"


def _is_section_heading(text: str) -> bool:
    return bool(SECTION_LINE.match(text)) and len(text) <= MAX_HEADING and "。" not in text[:-1]


def parse(source: Source) -> Report:
    builder = _Builder(source)
    section = "front"
    chapter = ""
    plan_seen = False
    in_targets = False
    last_target_open = False
    preamble_open = False
    front_text: list[str] = []
    paragraph_no = 0

    for paragraph in source.paragraphs:
        raw = source.clean[paragraph.start:paragraph.end]
        norm, norm_map = normalise(raw)
        if not norm.strip():
            continue
        paragraph_no += 1
        line = source.line_of(source.clean_offsets[paragraph.start])
        stripped = norm.strip()

        if _is_section_heading(stripped):
            number = stripped.split("、", 1)[0]
            title = stripped.split("、", 1)[1].strip()
            kind = _section_kind(title, plan_seen, any(x.kind == "review" for x in builder.sections))
            year_match = YEAR.search(title)
            builder.sections.append(Section(kind, number, title, int(year_match.group(1)) if year_match else None, line))
            if kind == "plan" and not plan_seen:
                plan_seen, preamble_open = True, True
            section = kind
            chapter = title if kind == "plan" and len([s for s in builder.sections if s.kind == "plan"]) > 1 else ""
            in_targets = False
            builder.sentence(norm, norm_map, paragraph.start, (0, len(norm)), section, chapter, paragraph_no, 0, "heading")
            continue
        if section == "front":
            front_text.append(stripped)

        spans = split_sentences(norm)
        if not spans:
            continue
        chapter_match = CHAPTER_LINE.match(stripped)
        if section == "plan" and ADDRESS.match(stripped):
            chapter = ""  # "各位代表！" closes the last numbered chapter: defence, Taiwan and diplomacy follow
        if chapter_match:
            chapter = norm[spans[0][0]:spans[0][1]].strip().rstrip("。")
            preamble_open = False
            in_targets = False
        lead_end = None
        if paragraph.lead_end is not None:
            lead_end = next((i for i, c in enumerate(norm_map) if c >= paragraph.lead_end - paragraph.start), len(norm))

        problems = section == "review" and bool(PROBLEMS.search(norm[spans[0][0]:spans[0][1]]))
        paragraph_preamble = section == "plan" and preamble_open and bool(PREAMBLE.search(norm))
        target_paragraph = section == "plan" and (in_targets and last_target_open or stripped.startswith("——") and in_targets)
        if section == "plan" and not target_paragraph:
            in_targets = False
        target_list_open = False  # the paragraph's earlier sentence opened a list of targets

        for position, span in enumerate(spans):
            text = norm[span[0]:span[1]]
            if target_list_open:
                target_list_open = _continues_targets(norm[spans[position - 1][0]:spans[position - 1][1]], text)
            kind = "body"
            if paragraph.heading:
                kind = "heading"
            elif position == 0 and chapter_match:
                kind = "heading"
            elif lead_end is not None and span[1] <= lead_end + 1:
                kind = "lead" if position == 0 and not chapter_match else "heading"
            elif problems:
                kind = "shortfall" if SHORTFALL.search(text) else "problems"
            elif ACKNOWLEDGEMENT.search(text):
                kind = "meta"
            elif section == "plan":
                if CLOSING.search(text):
                    kind = "closing"
                elif RETROSPECTIVE.search(text) and not FORWARD.search(text):
                    kind = "retrospective"
                elif META.search(text) and _content_length(text) <= 40:
                    kind = "meta"
                elif target_paragraph or target_list_open:
                    kind = "target"
                elif paragraph_preamble:
                    kind = "preamble"
                elif TARGET_INTRO.search(text.rstrip()):
                    kind = "meta"
                elif position == 0 and len(spans) > 1 and _is_topic_lead(text):
                    kind = "lead"
            elif position == 0 and len(spans) > 1 and _is_topic_lead(text):
                kind = "lead"
            if kind == "body" and section == "plan" and _inline_targets(text):
                _emit_inline_targets(builder, norm, norm_map, paragraph.start, span, chapter, paragraph_no, position)
                target_list_open = True
                continue
            builder.sentence(norm, norm_map, paragraph.start, span, section, chapter, paragraph_no, position, kind)
        if section == "plan":
            ending = stripped.rstrip("”’」』）》")
            if TARGET_INTRO.search(ending) or "目标如下" in ending:
                in_targets, last_target_open = True, True
            elif target_paragraph:
                last_target_open = ending.endswith("；") or ending.endswith(";")
                in_targets = last_target_open

    return _finish(source, builder, front_text)


TOPIC_LEAD_MAX = 16


# A short opening sentence that promises a delivery is a commitment, not a theme
# ("全面完成第七轮环保三年行动计划。", Shanghai 2020).
DELIVERY = re.compile(r"完成|建成|出台|开工|竣工|举办|启用|投用|开通")


def _is_topic_lead(text: str) -> bool:
    """A short opening sentence that only names the theme of its paragraph ("疫情防控以快制快。")."""
    return (_content_length(text) <= TOPIC_LEAD_MAX and "，" not in text and not re.search(r"\d", text)
            and not DELIVERY.search(text))


def _inline_targets(text: str) -> bool:
    """"…主要预期目标是：A，B，C。" — a list of targets inside one sentence."""
    head, colon, rest = text.partition("：")
    return bool(colon) and "目标" in head and bool(re.search(r"\d", rest))


def _continues_targets(previous: str, text: str) -> bool:
    """After "目标是：A；" the list runs on while items end in "；" or carry a figure or 指标
    or a rate word ("…增长6.5%左右。主要约束性指标达到上级要求。"), not into comment ("这体现了稳中求进的精神。")."""
    return previous.rstrip().endswith("；") or bool(re.search(r"\d|指标|增长|下降|降低", text))


def _emit_inline_targets(builder: _Builder, norm: str, norm_map: list[int], para_start: int,
                         span: tuple[int, int], chapter: str, paragraph: int, position: int) -> None:
    start, end = span
    colon = norm.index("：", start)
    builder.sentence(norm, norm_map, para_start, (start, colon + 1), "plan", chapter, paragraph, position, "meta")
    body = norm[colon + 1:end]
    if body.rstrip().endswith("；"):  # "目标是：A增长7.5%，达到326.4亿元；B…": A is one target
        pieces = [body]
    else:  # "目标是：A，B，C。" or "目标是：A；B；C。" within one sentence
        pieces = body.split("；" if "；" in body.rstrip("；。") else "，")
    cursor = colon + 1
    for piece in pieces:
        piece_end = cursor + len(piece) + 1
        item = (cursor, min(piece_end, end))
        trimmed = _trim(norm, [item])[0]
        if _content_length(norm[trimmed[0]:trimmed[1]]) > 1:
            builder.sentence(norm, norm_map, para_start, trimmed, "plan", chapter, paragraph, position, "target")
        cursor = piece_end


def _finish(source: Source, builder: _Builder, front_text: list[str]) -> Report:
    sections = builder.sections
    reviews = [s for s in sections if s.kind == "review"]
    plans = [s for s in sections if s.kind == "plan"]
    path = source.path
    if not reviews and not plans:
        found = ", ".join(f"{s.number}、{s.title}" for s in sections) or "no numbered sections"
        raise StructureError(f"{path}: no review and no plan section found ({found})")
    _check_numbering(path, sections)

    delivered = next((int(m.group(1)) for t in front_text[:6] for m in [DELIVERED.search(t)] if m), None)
    plan_year = next((s.year for s in plans if s.year), None)
    review_year = next((s.year for s in reviews if s.year), None)
    if reviews and review_year is None and plan_year is None and delivered is None:
        review_year = _year_reviewed(builder.sentences, reviews[0].title)
    if plans and plan_year is None:
        plan_year = review_year + 1 if review_year else delivered
    if reviews and review_year is None and plan_year:
        review_year = plan_year - 1
    if plans and plan_year is None or reviews and review_year is None:
        titles = "; ".join(f"{s.number}、{s.title}" for s in reviews[:1] + plans[:1])
        raise StructureError(f"{path}: no year for the review or the plan ({titles}): their titles name none, "
                             "and the review's opening names none (a review of five years is not dated by it)")
    if review_year and plan_year and plan_year != review_year + 1:
        raise StructureError(f"{path}: the review covers {review_year} but the plan is for {plan_year}; years do not follow")
    title = _title(source, front_text)
    return Report(path, title, review_year, plan_year, sections, builder.sentences, source.tables)


def _year_reviewed(sentences: list[Sentence], title: str) -> int | None:
    """The year a review without a dated title reports on: the year its opening paragraph names
    ("一、去年工作回顾" / "2005年，我国社会主义现代化事业取得显著成就。"). None for a review of five
    years (过去五年…), whose opening names the first of them."""
    review = [s for s in sentences if s.section == "review" and s.kind != "heading"]
    if not review or "五年" in title:
        return None
    opening = [s.norm for s in review if s.paragraph == review[0].paragraph]
    years = [int(y) for text in opening for y in YEAR.findall(text) if 1949 < int(y) < 2100]
    return years[0] if years else None


def _check_numbering(path: str, sections: list[Section]) -> None:
    """A numbering gap (一、 then 三、) means a section was lost: fail rather than audit half a report."""
    numbers = [CJK_NUMERAL.index(s.number) + 1 if s.number in CJK_NUMERAL else None for s in sections]
    expected = 1
    for section, number in zip(sections, numbers):
        if number is None:
            continue
        if number != expected:
            missing = CJK_NUMERAL[expected - 1] if 0 < expected <= 10 else str(expected)
            raise StructureError(
                f"{path}: section {missing}、 is missing (found {section.number}、{section.title} after "
                f"{expected - 1} of {len(sections)} sections); the report looks truncated"
            )
        expected = number + 1


def _title(source: Source, front_text: list[str]) -> str:
    """The report's own title: a front line up to its 报告 (line joining may have run the title into
    the speaker's name and the salutation), else what the speaker says he reports (向大会报告政府工作
    → 政府工作报告), else the file name."""
    for text in front_text[:3]:
        head = text[: text.index("报告") + 2] if "报告" in text else ""
        if head and len(head) <= 80 and not re.search(r"[，。,]", head) and not head.startswith("——"):
            return head.replace(" ", "")
    for text in front_text[:6]:
        match = re.search(r"(?:报告|作)([^，。,]{2,40}?)报告[，,]请予审议|向大会报告([^，。,]{4,40}?)[，,]请予审议", text)
        if match:
            return (match.group(1) or match.group(2)) + "报告"
    return source.path.rsplit("/", 1)[-1]
