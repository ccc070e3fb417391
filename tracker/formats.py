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
            pages = [_page_lines(page) for page in pdf.pages]
    except Exception as error:  # pdfminer raises many types for broken files; pdfplumber wraps them
        causes = [error, *error.args, error.__cause__, error.__context__]
        if any(type(c).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError") for c in causes):
            raise InputError(f"{path}: an encrypted PDF; save a copy without the password and try again") from None
        inner = next((c for c in causes[1:] if isinstance(c, Exception)), error)
        raise InputError(f"{path}: not a readable PDF ({type(inner).__name__})") from None
    if not any(lines for lines in pages):
        raise InputError(f"{path}: a PDF with no text layer ({len(pages)} pages of images, a scan?); "
                         "tracker does not read scans: ask for the text PDF or the Word file")
    running = _running_lines(pages)
    paragraphs: list[str] = []
    for lines in pages:
        for text, indented, short in lines:
            if text in running or PAGE_NUMBER.match(text):
                continue
            if paragraphs and not indented and not paragraphs[-1].endswith("\n"):
                paragraphs[-1] += text
            else:
                paragraphs.append(text)
            if short and text.rstrip()[-1:] in SENTENCE_END:
                paragraphs[-1] += "\n"
    return "\n".join(p.rstrip("\n") for p in paragraphs) + "\n"


def _page_lines(page) -> list[tuple[str, bool, bool]]:
    """(text, starts indented, ends short of the right margin) for each text line of a page."""
    words = page.extract_words(keep_blank_chars=True, use_text_flow=True, x_tolerance=1.5)
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) < 3:
            rows[-1].append(word)
        else:
            rows.append([word])
    if not rows:
        return []
    left = min(row[0]["x0"] for row in rows)
    right = max(row[-1]["x1"] for row in rows)
    size = Counter(round(w["x1"] - w["x0"]) / max(len(w["text"]), 1) for row in rows for w in row).most_common(1)[0][0] or 10
    lines = []
    for row in rows:
        text = "".join(w["text"] for w in sorted(row, key=lambda w: w["x0"])).strip()
        if text:
            lines.append((text, row[0]["x0"] - left > 1.2 * size, right - row[-1]["x1"] > 1.2 * size))
    return lines


def _running_lines(pages: list[list[tuple[str, bool, bool]]]) -> set[str]:
    """Lines repeated at the top or foot of most pages: a running header or footer."""
    if len(pages) < 3:
        return set()
    edges = Counter(text for lines in pages for text in {line[0] for line in lines[:2] + lines[-2:]})
    return {text for text, count in edges.items() if count >= max(3, len(pages) // 2)}


# ---------------------------------------------------------------- Word


def docx_text(data: bytes, path: str) -> str:
    """Body paragraphs and tables in document order (headers and footers are not in the body)."""
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, PackageNotFoundError…
        raise InputError(f"{path}: not a readable Word .docx file ({type(error).__name__})") from None
    lines = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            lines.append("".join(node.text or "" for node in element.iter(qn("w:t"))))
        elif element.tag == qn("w:tbl"):
            for row in element.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in cell.iter(qn("w:t"))).strip() for cell in row.iter(qn("w:tc"))]
                lines.append("\t".join(cells))
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
