"""The deliverables for the seed pair: markdown, xlsx, csv, chart, JSON, written atomically."""
import copy
import csv
import io

import markdown as markdown_lib
import openpyxl
import pytest
from click.testing import CliRunner

from tracker import render
from tracker.cli import cli
from tracker.render import markdown, sheet

from .conftest import EXEC_2022, PLAN_2022


@pytest.fixture(scope="module")
def injected(seed_audit):
    """The seed audit with one evidence statement that tries to be a formula."""
    audit = copy.deepcopy(seed_audit)
    verdict = next(v for v in audit.verdicts if v.evidence)
    verdict.evidence[0].statement.sentence.text = '=HYPERLINK("http://127.0.0.1/x","点击")|**粗体**'
    return audit


def test_all_outputs_written(seed_audit, tmp_path):
    from tracker.model import Options

    written = render.write_all(seed_audit, tmp_path / "out", Options())
    assert [p.name for p in written] == list(render.OUTPUTS)
    assert (tmp_path / "out" / "chart.png").read_bytes().startswith(b"\x89PNG")
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_xlsx_rows_statuses_and_no_formulas(injected):
    book = openpyxl.load_workbook(io.BytesIO(sheet.xlsx_bytes(injected)))
    assert book.sheetnames == ["承诺", "匹配对", "汇总"]
    commitments = book["承诺"]
    assert commitments.max_row == 1 + 85
    header = [c.value for c in commitments[1]]
    status = header.index("评定")
    assert {row[status].value for row in commitments.iter_rows(min_row=2)} <= {"fulfilled", "partial", "missing"}
    assert commitments.freeze_panes == "A2" and commitments.auto_filter.ref
    for worksheet in book:
        for row in worksheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert not (isinstance(cell.value, str) and cell.value.startswith("="))
    pairs = [c.value for row in book["匹配对"].iter_rows(min_row=2) for c in row]
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK(") for v in pairs)


def test_csv_has_bom_and_no_formula(injected):
    text = sheet.pairs_csv(injected)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["承诺编号", "承诺", "评定"]
    texts = [cell for row in rows for cell in row if not _number(cell)]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in texts)
    assert any(cell.startswith("'=HYPERLINK(") for cell in texts)


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_markdown_tables_survive_pipes_and_marks(injected):
    text = markdown.render(injected, "zh", chart="chart.png")
    for heading in ("## 说明", "## 总体情况", "## 分章节统计", "## 量化指标对照", "## 未见下文的承诺", "## 部分落实的承诺"):
        assert heading in text
    assert "不等于工作没有做" in text
    html = markdown_lib.markdown(text, extensions=["tables"])
    assert html.count("<table>") == 5  # overall, chapters, targets, partial, full
    full_table = html.split("<table>")[-1]
    rows = full_table.count("<tr>")
    assert rows == 1 + 85
    assert "<strong>粗体" not in full_table
    for row in full_table.split("<tr>")[1:]:
        assert row.count("<td") in (0, 6)


def test_english_report(seed_audit):
    text = markdown.render(seed_audit, "en")
    assert text.startswith("# Follow-up of the 2022 plan's commitments")
    assert "not that the work failed" in text


def test_audit_command_writes_every_output(tmp_path):
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["audit", str(PLAN_2022), str(EXEC_2022), "--out", str(out),
                                      "--json", str(tmp_path / "a.json")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(render.OUTPUTS)
    assert (tmp_path / "a.json").exists()
    assert "Audit of the 2022 plan" in result.output


def test_shanghai_pair_deliverables(encoder, tmp_path):
    """The second genre end to end: every output, every status present, targets compared."""
    from tracker import pipeline
    from tracker.model import Options

    from .conftest import CORPUS, need

    audit = pipeline.audit(need(CORPUS / "shanghai-gwr" / "2021.txt"), need(CORPUS / "shanghai-gwr" / "2022.txt"),
                           Options(), encoder)
    assert audit.year == 2021 and 150 <= len(audit.verdicts) <= 230
    assert all(count > 0 for count in audit.summary().values())
    assert any(check.actual is not None for verdict in audit.verdicts for check in verdict.targets)
    written = render.write_all(audit, tmp_path / "sh", Options())
    assert len(written) == len(render.OUTPUTS)
    book = openpyxl.load_workbook(tmp_path / "sh" / "pairs.xlsx")
    assert book["承诺"].max_row == 1 + len(audit.verdicts)


def test_outputs_are_deterministic(seed_audit):
    assert sheet.xlsx_bytes(seed_audit) == sheet.xlsx_bytes(seed_audit)
    book = openpyxl.load_workbook(io.BytesIO(sheet.xlsx_bytes(seed_audit)))
    assert book["汇总"].max_row > 2
