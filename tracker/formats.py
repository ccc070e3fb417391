"""Reports as people get them: PDF, Word (.docx) and web pages, turned into the text that ingest
cleans (one paragraph per line, tables as tab-separated lines).

The format is recognised by content (magic bytes), not by the file's suffix. Libraries are
imported only when a file of their format arrives: pdfplumber (MIT), python-docx (MIT), lxml (BSD).
Every problem is one InputError naming the file: a scanned PDF without text, an encrypted PDF, a
legacy .doc or .wps, a zip that is not a Word file, a web page with no report in it.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections import Counter

from .errors import InputError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .wps, .xls of old
PAGE_NUMBER = re.compile(r"^[\s\-—–－·]*(?:第\s*)?[0-9０-９]+(?:\s*页)?(?:\s*/\s*[0-9]+)?[\s\-—–－·]*$")
SENTENCE_END = "。！？；：!?;:”’）)"
CJK = re.compile(r"[\u4e00-\u9fff]")


def sniff(data: bytes) -> str:
    """pdf | docx | legacy | zip | html | text."""
    head = data[:2048].lstrip()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(OLE2):
        return "legacy"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else "zip"
        except zipfile.BadZipFile:
            return "zip"
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"\xef\xbb\xbf<!doctype html", b"\xef\xbb\xbf<html")) \
            or b"<html" in lowered[:512]:
        return "html"
    return "text"


def to_text(data: bytes, path: str, kind: str) -> str:
    if kind == "legacy":
        raise InputError(f"{path}: a legacy Word or WPS file (.doc/.wps); save it as .docx or PDF and try again")
    if kind == "zip":
        raise InputError(f"{path}: a zip archive but not a Word .docx file (no word/document.xml)")
    return {"pdf": pdf_text, "docx": docx_text, "html": html_text}[kind](data, path)


# ---------------------------------------------------------------- PDF


def pdf_text(data: bytes, path: str) -> str:
    """Text lines in reading order, running headers, footers and page numbers dropped, and lines
    joined into paragraphs where the layout says so (an indented first line, a short last line)."""
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            read = [_page_lines(page) for page in pdf.pages]
    except Exception as error:  # pdfminer raises many types for broken files; pdfplumber wraps them
        causes = [error, *error.args, error.__cause__, error.__context__]
        if any(type(c).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError") for c in causes):
            raise InputError(f"{path}: an encrypted PDF; save a copy without the password and try again") from None
        inner = next((c for c in causes[1:] if isinstance(c, Exception)), error)
        raise InputError(f"{path}: not a readable PDF ({type(inner).__name__})") from None
    pages = [lines for lines, _ in read]
    if not any(lines for lines in pages):
        raise InputError(f"{path}: a PDF with no text layer ({len(pages)} pages of images, a scan?); "
                         "tracker does not read scans: ask for the text PDF or the Word file")
    running = _running_lines(pages)
    paragraphs: list[str] = []
    for lines in pages:
        for text, indented, short in lines:
            if "\t" in text:  # a table row: a line of its own
                if paragraphs and not paragraphs[-1].endswith("\n"):
                    paragraphs[-1] += "\n"
                paragraphs.append(text + "\n")
                continue
            if text in running or PAGE_NUMBER.match(text):
                continue
            if paragraphs and not indented and not paragraphs[-1].endswith("\n"):
                paragraphs[-1] += text
            else:
                paragraphs.append(text)
            if short and text.rstrip()[-1:] in SENTENCE_END:
                paragraphs[-1] += "\n"
    notes = [note for _, page_notes in read for note in page_notes]
    return "\n".join([p.rstrip("\n") for p in paragraphs] + notes) + "\n"


def _page_lines(page) -> tuple[list[tuple[str, bool, bool]], list[str]]:
    """(text, starts indented, ends short of the right margin) for each text line of a page, and the
    page's footnotes. A ruled table (the indicator table) gives one tab-separated line per row, in
    its place. Type smaller than the body's is footnote apparatus: a small number inside a body
    line is a reference ("<sup>1</sup>"), lines set small at the foot are the notes themselves
    ("<sup>1</sup> 2021年R&D投入…"), the markup ingest reads in converted text."""
    sizes = Counter(round(char["size"], 1) for char in page.chars)
    if not sizes:
        return [], []
    small = 0.85 * sizes.most_common(1)[0][0]
    body_page = page.filter(lambda obj: obj.get("object_type") != "char" or obj["size"] >= small)
    tables = body_page.find_tables()
    words = [w for w in page.extract_words(keep_blank_chars=True, use_text_flow=True, x_tolerance=1.5,
                                           extra_attrs=["size"])
             if not any(_inside(w, table.bbox) for table in tables)]
    placed = [(table.bbox[1], "\t".join(_cell(c) for c in row)) for table in tables for row in table.extract()]
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        middle = (word["top"] + word["bottom"]) / 2
        if rows and rows[-1][0]["top"] - 1 <= middle <= rows[-1][0]["bottom"] + 1:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines, notes = [], []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
    kinds = ["note" if _is_note(row, small) else "body" if any(w["size"] >= small for w in row) else "small"
             for row in rows]
    body_rows = [row for row, kind in zip(rows, kinds) if kind == "body"]
    if body_rows:
        left = min(row[0]["x0"] for row in body_rows)
        right = max(row[-1]["x1"] for row in body_rows)
        size = Counter(round(w["x1"] - w["x0"]) / max(len(w["text"]), 1)
                       for row in body_rows for w in row).most_common(1)[0][0] or 10
    for row, kind in zip(rows, kinds):
        if kind == "note":
            notes.append(f"<sup>{row[0]['text'].strip()}</sup> " + "".join(w["text"] for w in row[1:]).strip())
        elif kind == "small":
            text = "".join(w["text"] for w in row).strip()
            if notes and text:  # a note's wrapped second line
                notes[-1] += text
        else:
            text = "".join(f"<sup>{w['text'].strip()}</sup>" if w["size"] < small else w["text"] for w in row).strip()
            if text:
                lines.append((row[0]["top"], text, row[0]["x0"] - left > 1.2 * size, right - row[-1]["x1"] > 1.2 * size))
    lines += [(top + index * 1e-3, text, True, True) for index, (top, text) in enumerate(placed)]
    return [line[1:] for line in sorted(lines, key=lambda line: line[0])], notes


def _is_note(row: list[dict], small: float) -> bool:
    """A footnote line (words in reading order): its number (in whatever size), then text set small."""
    first, *rest = row
    return first["text"].strip().isdigit() and bool(rest) and all(w["size"] < small for w in rest)


def _inside(word: dict, box: tuple[float, float, float, float]) -> bool:
    middle_x, middle_y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return box[0] <= middle_x <= box[2] and box[1] <= middle_y <= box[3]


def _cell(text: str | None) -> str:
    """A cell's wrapped lines joined back ("地区生产总值(简" + "称“GDP”)")."""
    return "".join(line.strip() for line in (text or "").splitlines())


def _running_lines(pages: list[list[tuple[str, bool, bool]]]) -> set[str]:
    """Lines repeated at the top or foot of most pages: a running header or footer."""
    if len(pages) < 3:
        return set()
    edges = Counter(text for lines in pages for text in {line[0] for line in lines[:2] + lines[-2:]})
    return {text for text, count in edges.items() if count >= max(3, len(pages) // 2)}


# ---------------------------------------------------------------- Word


def docx_text(data: bytes, path: str) -> str:
    """Body paragraphs and tables in document order (headers and footers are not in the body), and
    the footnotes: a reference becomes "<sup>n</sup>" and each note a "<sup>n</sup> text" line at
    the end, the markup ingest reads in converted text."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, PackageNotFoundError…
        raise InputError(f"{path}: not a readable Word .docx file ({type(error).__name__})") from None
    text_tag, reference_tag = qn("w:t"), qn("w:footnoteReference")

    def text_of(element) -> str:
        return "".join(node.text or "" if node.tag == text_tag else f"<sup>{node.get(qn('w:id'))}</sup>"
                       for node in element.iter(text_tag, reference_tag))

    lines = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            lines.append(text_of(element))
        elif element.tag == qn("w:tbl"):
            for row in element.iter(qn("w:tr")):
                lines.append("\t".join(text_of(cell).strip() for cell in row.iter(qn("w:tc"))))
    for relation in document.part.rels.values():
        if relation.reltype == RELATIONSHIP_TYPE.FOOTNOTES and not relation.is_external:
            for note in parse_xml(relation.target_part.blob).iter(qn("w:footnote")):
                number = note.get(qn("w:id"))
                if number.isdigit() and int(number) > 0:  # -1 and 0: the separator lines
                    lines.append(f"<sup>{number}</sup> " + "".join(t.text or "" for t in note.iter(text_tag)).strip())
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- web pages

BOILERPLATE = re.compile(r"nav|menu|foot|head|share|breadcrumb|crumb|side|banner|toolbar|copyright|related|print",
                         re.IGNORECASE)
MIN_PROSE = 200  # characters of Chinese outside links below which a page holds no report
ARTICLE_SHARE = 0.85
BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "blockquote"}


def html_text(data: bytes, path: str) -> str:
    """The article body of a government page: the element holding most of the page's Chinese
    text outside links, without navigation, share buttons and footers; <p>, <br> and full-width
    indents become paragraph breaks."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(_decode_html(data))
    except (ValueError, lxml.etree.ParserError) as error:
        raise InputError(f"{path}: not a readable web page ({error})") from None
    for element in root.xpath("//script|//style|//noscript|//nav|//header|//footer|//aside|//form|//iframe"):
        element.drop_tree()
    for element in root.xpath("//*[@id or @class]"):
        marks = f"{element.get('id', '')} {element.get('class', '')}"
        if BOILERPLATE.search(marks) and element.tag not in ("html", "body"):
            element.drop_tree()
    scored = []
    for element in root.iter("div", "article", "section", "td", "main", "body"):
        linked = sum(len(CJK.findall(a.text_content())) for a in element.iter("a"))
        scored.append((len(CJK.findall(element.text_content())) - 2 * linked, element))
    top = max((score for score, _ in scored), default=0)
    if top < MIN_PROSE:
        raise InputError(f"{path}: a web page with no report in it ({max(top, 0)} characters of Chinese prose)")
    # the deepest element that still holds nearly all of it: the article, not the whole page
    best = max((e for score, e in scored if score >= ARTICLE_SHARE * top), key=lambda e: len(list(e.iterancestors())))
    parts: list[str] = []
    _walk(best, parts)
    text = "".join(parts).replace("\u3000\u3000", "\n")
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def _decode_html(data: bytes) -> str:
    """The page's declared charset (government pages are often GBK), else UTF-8, else GB18030."""
    declared = CHARSET.search(data[:4096])
    for encoding in ([declared.group(1).decode("ascii")] if declared else []) + ["utf-8-sig", "gb18030"]:
        try:
            text = data.decode("gb18030" if encoding.lower() in ("gb2312", "gbk") else encoding)
            return re.sub(r"^\s*<\?xml[^>]*>", "", text)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


def _walk(element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in BLOCKS:
        parts.append("\n")
    if tag in ("td", "th"):
        parts.append("\t")
    if element.text and tag not in ("br",):
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
        if child.tail:
            parts.append(child.tail)
    if tag in BLOCKS:
        parts.append("\n")
