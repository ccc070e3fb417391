"""Ingest: read a report file, decode it, and strip PDF-conversion debris.

What the debris says is kept: footnote blocks become footnotes, `<sup>n</sup>` markers become
references to them. Lines broken mid-sentence (by a page break, a footnote block or a plain
line wrap) are rejoined. Every kept character remembers its offset in the decoded text, so any
sentence can be quoted exactly and located in the file.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import formats
from .errors import InputError
from .model import Paragraph, Source, Table

PAGE_BREAK = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
FOOTNOTE_BLOCK = re.compile(r"^\s*<sup>\s*(\d+)\s*</sup>\s*(.*)$")
HEADING_MARK = re.compile(r"^\s*#{1,6}\s+|^\s*#{1,6}(?=\S)")
LIST_MARK = re.compile(r"^\s*[-*+]\s+(?!\*)")
SECTION_LINE = re.compile(r"^[一二三四五六七八九十]+、")
CHAPTER_LINE = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
# Debris inside a line: footnote markers, sub/superscript tags, bold marks.
INLINE_DEBRIS = re.compile(r"<sup>\s*(\d+)\s*</sup>|</?su[bp]>|\*\*")

SENTENCE_END = "。！？；：!?;:"
CLOSERS = "”’」』）)》】"

# Half-width punctuation folded to full width when it sits next to CJK text (a narrow table:
# NFKC would also rewrite digits, letters and full-width forms we want to keep).
FOLD = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
# Full-width digits, per cent and decimal point as ASCII, so that years and figures are read
# (the 1990s State Council reports write １９９６年, ５．２％); nothing else of NFKC.
DIGIT_FOLD = {chr(0xFF10 + digit): str(digit) for digit in range(10)} | {"％": "%", "．": "."}


def is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def is_cjk_or_punct(char: str) -> bool:
    code = ord(char)
    return is_cjk(char) or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or char in "“”‘’—…"


def decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; anything else is refused."""
    if not data.strip():
        raise InputError(f"{path}: empty file")
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8):].decode("utf-8")
        elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            text = data.decode("utf-16")
        elif b"\x00" in data:
            raise InputError(f"{path}: binary file (NUL bytes), not a text report")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: cannot decode as UTF-8, UTF-16 or GB18030 (byte {error.start} of {len(data)})"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\f")
    if controls > max(2, len(text) // 1000):
        raise InputError(f"{path}: binary file ({controls} control characters in {len(text)}), not a text report")
    if not text.strip():
        raise InputError(f"{path}: empty file")
    return text


# Size limits: the longest real report here is 0.2 MB of text; a PDF or Word file carries images.
MAX_TEXT_BYTES = 4 * 2**20
MAX_DOCUMENT_BYTES = 64 * 2**20


def read(path: str | Path) -> Source:
    """A report file as text, ready for structure: plain text (UTF-8, UTF-16, GB18030), PDF,
    Word .docx or a web page, recognised by content (formats.py)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError
        kind = formats.sniff(_head(path))
        limit = MAX_TEXT_BYTES if kind in ("text", "html") else MAX_DOCUMENT_BYTES
        if size > limit:
            raise InputError(f"{path}: {size / 2**20:.1f} MB is more than a report can be "
                             f"({limit // 2**20} MB for {'text' if limit == MAX_TEXT_BYTES else 'PDF and Word'} files)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a report file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    kind = formats.sniff(data)
    text = decode(data, str(path)) if kind == "text" else formats.to_text(data, str(path), kind)
    return clean(str(path), text)


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(4096)


@dataclass
class _Line:
    chars: list[str]
    offsets: list[int]
    heading: bool
    lead_end: int | None
    refs: list[tuple[int, int]] = field(default_factory=list)  # (index in chars, footnote number)


def _strip_line(line: str, base: int) -> _Line:
    """Remove markdown marks and inline debris from one line, keeping offsets of what stays."""
    heading = False
    position = 0
    match = HEADING_MARK.match(line)
    if match:
        heading, position = True, match.end()
    else:
        match = LIST_MARK.match(line)
        if match:
            position = match.end()
    while position < len(line) and line[position] in " \t\u3000":
        position += 1
    chars: list[str] = []
    offsets: list[int] = []
    refs: list[tuple[int, int]] = []
    bold_open_at: int | None = None
    lead_end: int | None = None
    for match in INLINE_DEBRIS.finditer(line, position):
        for index in range(position, match.start()):
            chars.append(line[index])
            offsets.append(base + index)
        position = match.end()
        token = match.group(0)
        if match.group(1):
            refs.append((len(chars), int(match.group(1))))
        elif token == "**":
            if bold_open_at is None:
                bold_open_at = len(chars)
            else:
                if bold_open_at == 0 and lead_end is None:
                    lead_end = len(chars)
                bold_open_at = None
    for index in range(position, len(line.rstrip())):
        chars.append(line[index])
        offsets.append(base + index)
    text = "".join(chars).strip()
    if _is_bare_heading(text):
        heading = True
    return _Line(chars, offsets, heading, lead_end, refs)


# A chapter line longer than this without closing punctuation is prose wrapped after its number.
MAX_CHAPTER_HEADING = 50


def _is_bare_heading(text: str) -> bool:
    """A numbered line with no closing punctuation ("（三）全力加强生态文明建设,坚持绿色发展") is a
    heading of its own: joining it to the next line would swallow that line's first sentence."""
    if _ends_sentence(text):
        return False
    return bool(SECTION_LINE.match(text)) or bool(CHAPTER_LINE.match(text)) and len(text) <= MAX_CHAPTER_HEADING


def _ends_sentence(text: str) -> bool:
    text = text.rstrip().rstrip(CLOSERS)
    return bool(text) and text[-1] in SENTENCE_END


def _overlap(tail: str, head: str) -> int:
    """Length of a word fragment a page break repeated ("…推动粤港" / "粤港澳…")."""
    for size in range(min(6, len(tail), len(head)), 1, -1):
        fragment = tail[-size:]
        if fragment == head[:size] and all(is_cjk(char) for char in fragment):
            return size
    return 0


def clean(path: str, original: str) -> Source:
    clean_chars: list[str] = []
    clean_offsets: list[int] = []
    paragraphs: list[Paragraph] = []
    footnotes: dict[int, str] = {}
    footnote_refs: list[tuple[int, int]] = []
    tables: list[Table] = []

    current: _Line | None = None
    gap = False  # a page break or footnote block since the last prose line

    def flush() -> None:
        nonlocal current
        if current is None:
            return
        start = len(clean_chars)
        if clean_chars:
            clean_chars.append("\n")
            clean_offsets.append(clean_offsets[-1] + 1 if clean_offsets else 0)
            start += 1
        for index, number in current.refs:
            footnote_refs.append((start + index, number))
        clean_chars.extend(current.chars)
        clean_offsets.extend(current.offsets)
        lead = start + current.lead_end if current.lead_end is not None else None
        paragraphs.append(Paragraph(start, len(clean_chars), current.heading, lead))
        current = None

    base = 0
    for number, raw in enumerate(original.split("\n"), start=1):
        line_base, base = base, base + len(raw) + 1
        if PAGE_BREAK.match(raw):
            gap = True
            continue
        footnote = FOOTNOTE_BLOCK.match(raw)
        if footnote:
            footnotes[int(footnote.group(1))] = footnote.group(2).strip()
            gap = True
            continue
        if not raw.strip():
            continue
        if "\t" in raw:
            flush()
            cells = [cell.strip() for cell in raw.split("\t")]
            if tables and tables[-1].line + len(tables[-1].rows) == number:
                tables[-1].rows.append(cells)
            else:
                tables.append(Table(number, [cells]))
            continue
        line = _strip_line(raw, line_base)
        if not line.chars:
            continue
        text = "".join(line.chars)
        starts_block = (
            line.heading
            or line.lead_end is not None
            or SECTION_LINE.match(text)
            or CHAPTER_LINE.match(text)
        )
        previous = "".join(current.chars) if current else ""
        if current and not starts_block and not current.heading and not _ends_sentence(previous):
            drop = _overlap(previous, text) if gap else 0
            shift = len(current.chars) - drop
            current.refs.extend((index + shift, ref) for index, ref in line.refs if index >= drop)
            current.chars.extend(line.chars[drop:])
            current.offsets.extend(line.offsets[drop:])
        else:
            flush()
            current = line
        gap = False
    flush()
    return Source(path, original, "".join(clean_chars), clean_offsets, paragraphs, footnotes, footnote_refs, tables)


def normalise(text: str) -> tuple[str, list[int]]:
    """Fold half-width punctuation next to CJK text, full-width digits (１９９６年, ５．２％) to ASCII,
    and drop spaces that touch CJK text or split a year into digits ("1 9 9 8年").

    Returns the normalised text and, for each of its characters, the index in `text`. Linear in
    the length of the text (a space looks at most 40 characters ahead).
    """
    out: list[str] = []
    index_map: list[int] = []
    length = len(text)
    visible = ""  # the last character before this one that is not a space
    for index, char in enumerate(text):
        previous = text[index - 1] if index else ""
        following = text[index + 1] if index + 1 < length else ""
        if char in " \u00a0":
            right = next((c for c in text[index + 1:index + 40] if c not in " \u00a0"), "")
            if (visible and is_cjk_or_punct(visible)) or (right and is_cjk_or_punct(right)) or _splits_digits(text, index):
                continue
        elif char in DIGIT_FOLD:
            char = DIGIT_FOLD[char]
            if char == "." and not (out and out[-1].isdigit() and following.isdigit()):
                char = "．"
        elif char in FOLD:
            ascii_pair = previous.isascii() and previous.isalnum() and following.isascii() and following.isalnum()
            if not ascii_pair and (
                (previous and is_cjk_or_punct(previous)) or (following and is_cjk_or_punct(following))
                or (char == ")" and previous.isdigit()) or (char == "(" and following.isdigit())
            ):
                char = FOLD[char]
        if char not in " \u00a0":
            visible = text[index]
        out.append(char)
        index_map.append(index)
    return "".join(out), index_map


def _splits_digits(text: str, index: int) -> bool:
    """A space between two lone digits: a year or figure typeset letter-spaced ("1 9 9 8")."""
    def lone_digit(at: int) -> bool:
        return 0 <= at < len(text) and text[at].isdigit() and not (
            at > 0 and text[at - 1].isdigit()) and not (at + 1 < len(text) and text[at + 1].isdigit())
    return lone_digit(index - 1) and lone_digit(index + 1)
