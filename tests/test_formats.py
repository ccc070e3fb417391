"""Reports as deputies get them: PDF, Word and web pages give what the text seeds give; unreadable
ones are one line and exit 2. Fixtures: tests/fixtures/make_fixtures.py."""
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker import pipeline
from tracker.cli import cli
from tracker.evaluate import text_key
from tracker.model import Options

from .conftest import EXEC_2022, PLAN_2022

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FORMATS = ("pdf", "docx", "html")


def keys(items):
    return [text_key(item.text) for item in items]


@pytest.fixture(scope="module")
def text_seeds():
    return pipeline.read_report(PLAN_2022), pipeline.read_report(EXEC_2022)


@pytest.mark.parametrize("kind", FORMATS)
def test_same_commitments_and_statements_as_the_text_seeds(kind, text_seeds):
    plan, execution = text_seeds
    other_plan = pipeline.read_report(FIXTURES / f"yuexiu-plan.{kind}")
    other_execution = pipeline.read_report(FIXTURES / f"yuexiu-execution.{kind}")
    assert (other_plan.report.review_year, other_plan.report.plan_year) == (2021, 2022)
    assert keys(other_plan.commitments) == keys(plan.commitments)
    assert keys(other_execution.commitments) == keys(execution.commitments)
    assert keys(other_execution.statements) == keys(execution.statements)


@pytest.mark.parametrize("kind", FORMATS)
def test_same_verdicts_as_the_text_seeds(kind, seed_audit, encoder):
    audit = pipeline.audit(FIXTURES / f"yuexiu-plan.{kind}", FIXTURES / f"yuexiu-execution.{kind}", Options(), encoder)
    assert [v.status for v in audit.verdicts] == [v.status for v in seed_audit.verdicts]
    assert [[e.statement.id for e in v.evidence] for v in audit.verdicts] == \
        [[e.statement.id for e in v.evidence] for v in seed_audit.verdicts]


@pytest.mark.parametrize("kind", ("pdf", "docx"))
def test_footnotes_stay_with_their_sentence(kind, text_seeds):
    """A Word footnote, and a PDF note at the page foot with its small raised number in the text,
    are the footnotes of the sentence that refers to them, as in the converted text."""
    def notes(extraction):
        return [(text_key(item.text), item.sentence.footnotes)
                for item in extraction.commitments + extraction.statements if item.sentence.footnotes]

    plan, _ = text_seeds
    other = pipeline.read_report(FIXTURES / f"yuexiu-plan.{kind}")
    assert len(notes(plan)) == 8 and notes(other) == notes(plan)
    assert not [item for item in other.commitments + other.statements if "自动体外除颤器" in item.text]  # note 10


def test_the_pdf_indicator_table_is_read_as_a_table(text_seeds):
    def cells(extraction):
        return [[re.sub(r"\s|<sup>\d+</sup>", "", cell) for cell in row] for table in extraction.report.tables
                for row in table.rows]

    plan, _ = text_seeds
    pdf = pipeline.read_report(FIXTURES / "yuexiu-plan.pdf")
    assert cells(pdf) == cells(plan) and len(cells(plan)) == 8
    assert not [s for s in pdf.report.sentences if "指标名称" in s.text]


def test_running_header_and_page_numbers_are_dropped():
    plan = pipeline.read_report(FIXTURES / "yuexiu-plan.pdf")
    texts = " ".join(s.text for s in plan.report.sentences)
    assert "越秀区发展和改革局文件" not in texts and "— 2 —" not in texts


def _minimal_pdf(extra_trailer: str = "") -> bytes:
    """One empty page: a PDF without a text layer (or, with /Encrypt, one locked by a password)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    if extra_trailer:
        objects.append("<< /Filter /Standard /V 1 /R 2 /O <" + "11" * 32 + "> /U <" + "22" * 32 + "> /P -4 >>")
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, 1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{content}\nendobj\n".encode()
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R {extra_trailer}>>"
    return body + f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()


def _zip(names: dict[str, str]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ENCRYPTED = "/Encrypt 4 0 R /ID [<" + "ab" * 16 + "> <" + "ab" * 16 + ">] "


@pytest.mark.parametrize("name, content, message", [
    ("scan.pdf", _minimal_pdf(), "a PDF with no text layer (1 pages of images, a scan?); tracker does not read "
                                 "scans: ask for the text PDF or the Word file"),
    ("locked.pdf", _minimal_pdf(ENCRYPTED), "an encrypted PDF; save a copy without the password and try again"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "a legacy Word or WPS file (.doc/.wps); save it as .docx or PDF and try again"),
    ("report.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "a legacy Word or WPS file (.doc/.wps); save it as .docx or PDF and try again"),
    ("photos.docx", _zip({"a.jpg": "x"}), "a zip archive but not a Word .docx file (no word/document.xml)"),
    ("broken.docx", _zip({"word/document.xml": "<not xml"}), "not a readable Word .docx file (KeyError)"),
    ("portal.html", "<html><body><div class='nav'><a href='/'>首页</a></div><p>欢迎访问</p></body></html>".encode(),
     "a web page with no report in it (4 characters of Chinese prose)"),
])
def test_unreadable_documents_are_one_line_exit_2(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "x.json"
    result = CliRunner().invoke(cli, ["extract", str(path), "--json", str(out)])
    assert result.exit_code == 2
    assert result.output == f"Error: {path}: {message}\n"
    assert not out.exists()


def test_oversized_text_is_refused_at_once(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(12 * 2**20)
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 2
    assert result.output == f"Error: {path}: 12.0 MB is more than a report can be (4 MB for text files)\n"
