"""The deliverables for the seed pair: markdown, xlsx, csv, chart, JSON, written atomically."""
import copy
import csv
import json
import io

import markdown as markdown_lib
import openpyxl
import pytest
from click.testing import CliRunner
from rich.console import Console

from tracker import render
from tracker.cli import cli
from tracker.model import Review
from tracker.render import jsonout, markdown, sheet, terminal

from .conftest import CORPUS, EXEC_2022, PLAN_2022, by_prefix, need


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
    assert book.sheetnames == ["承诺", "匹配对", "汇总", "说明"]
    commitments = book["承诺"]
    assert commitments.max_row == 1 + 85
    header = [c.value for c in commitments[1]]
    status = header.index("评定")
    assert {row[status].value for row in commitments.iter_rows(min_row=2)} <= {"已落实", "部分落实", "未见下文"}
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
    for heading in ("## 说明", "## 总体情况", "## 分章节统计", "## 量化指标对照", "## 未见下文的承诺", "## 部分落实的承诺",
                    "## 未完成又在次年计划中再提的承诺"):
        assert heading in text
    assert "不等于工作没有做" in text
    html = markdown_lib.markdown(text, extensions=["tables"])
    assert html.count("<table>") == 6  # overall, chapters, targets, partial, carried over, full
    full_table = html.split("<table>")[-1]
    rows = full_table.count("<tr>")
    assert rows == 1 + 85
    assert "<strong>粗体" not in full_table
    for row in full_table.split("<tr>")[1:]:
        assert row.count("<td") in (0, 7)


def test_maybe_not_a_commitment_is_marked_not_hidden(seed_audit):
    """A sentence the judge reads as no commitment keeps its verdict, marked for the reader and
    counted; once a reviewer rules on it, the mark goes."""
    audit = copy.deepcopy(seed_audit)
    flagged = next(v for v in audit.verdicts if v.status == "missing")
    flagged.aside = 0.9
    text = markdown.render(audit, "zh")
    assert "其中1条，判定模型认为读者可能不会把它算作承诺" in text
    assert not flagged.commitment.chapter  # a target of the plan's list, before the first chapter
    assert f"{flagged.commitment.text}（{flagged.commitment.id}）（可能不是承诺）" in text
    assert audit.summary() == seed_audit.summary()
    assert jsonout.audit_document(audit)["commitments"][audit.verdicts.index(flagged)]["maybe_not_a_commitment"] == 0.9
    rows = sheet.frames(audit)["承诺"]
    assert list(rows.loc[rows["编号"] == flagged.commitment.id, "可能不是承诺"]) == ["是"]
    assert (rows["可能不是承诺"] == "是").sum() == 1
    console = Console(width=200, no_color=True, record=True)
    terminal.audit_report(console, audit)
    assert console.export_text().count("(maybe no commitment)") == 1
    flagged.review = Review(flagged.commitment.text, "missing", reviewer="王")
    assert "可能不是承诺" not in markdown.render(audit, "zh")


def test_missing_verdict_shows_the_nearest_statement_to_check(seed_audit):
    """A missing commitment whose strongest statement reaches NEAREST_PROBABILITY shows it under
    the commitment, in its own column and in the JSON, as not accepted; nothing else has one."""
    from tracker import params

    shown = [v for v in seed_audit.verdicts if v.nearest]
    assert shown and all(v.status == "missing" and v.nearest.score >= params.NEAREST_PROBABILITY for v in shown)
    assert any(v.status == "missing" and not v.nearest for v in seed_audit.verdicts)
    verdict = by_prefix(seed_audit, "社会消费品零售总额增长")
    assert verdict.nearest.statement.text.startswith("组织开展“越秀欢乐购·越夜越精彩”")
    text = markdown.render(seed_audit, "zh")
    assert text.count("最接近的表述（未采信）：") == len(shown)
    assert f"（{verdict.commitment.id}）\n   最接近的表述（未采信）：{verdict.nearest.statement.id}“组织开展" in text
    rows = sheet.frames(seed_audit)["承诺"]
    column = rows["最接近的表述（未采信）"]
    assert (column != "").sum() == len(shown)
    assert list(column[rows["编号"] == verdict.commitment.id]) == [verdict.nearest.statement.text]
    commitments = jsonout.audit_document(seed_audit)["commitments"]
    nearest = commitments[seed_audit.verdicts.index(verdict)]["nearest"]
    assert (nearest["id"], nearest["score"]) == (verdict.nearest.statement.id, round(verdict.nearest.score, 4))
    assert sum(c["nearest"] is not None for c in commitments) == len(shown)


def test_json_gives_the_part_models_reading_of_each_clause(seed_audit):
    """Done, under way or not reported per clause; nothing reported for a missing commitment, and
    the reason of a partial one names the clauses read as under way."""
    commitments = jsonout.audit_document(seed_audit)["commitments"]
    clauses = [c for commitment in commitments for c in commitment["clauses"]]
    assert {c["reading"] for c in clauses} <= {"done", "progress", "none"}
    assert all(c["evidenced"] == (c["reading"] != "none") for c in clauses)
    assert all(c["reading"] == "none" for commitment in commitments if commitment["status"] == "missing"
               for c in commitment["clauses"])
    under_way = [(commitment, c) for commitment in commitments if commitment["status"] == "partial"
                 for c in commitment["clauses"] if c["reading"] == "progress"]
    assert under_way
    assert any("仍在推进（" in commitment["reason"] for commitment, _ in under_way)


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


def test_chain_of_three_reports(tmp_path):
    """Two consecutive pairs: one folder each plus the combined chain.md / chain.json."""
    reports = [str(need(CORPUS / "shanghai-gwr" / f"{year}.txt")) for year in (2021, 2022, 2023)]
    out = tmp_path / "chain"
    result = CliRunner().invoke(cli, ["audit", *reports, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"wrote {out / 'chain.json'}, {out / 'chain.md'} and 2 pair folders in {out}")
    assert sorted(p.name for p in out.iterdir()) == ["2021-shanghai-gwr", "2022-shanghai-gwr", "chain.json", "chain.md"]
    assert sorted(p.name for p in (out / "2021-shanghai-gwr").iterdir()) == sorted(render.OUTPUTS)
    document = json.loads((out / "chain.json").read_text(encoding="utf-8"))
    assert document["format"] == "tracker-chain/1"
    assert [pair["year"] for pair in document["pairs"]] == [2021, 2022]
    pair_audit = json.loads((out / "2021-shanghai-gwr" / "audit.json").read_text(encoding="utf-8"))
    assert document["pairs"][0]["carried_over"] == sum(c["carried_over"] for c in pair_audit["commitments"])
    for run in document["perennial"]:  # consecutive plan years, three plans or more counting the repeat
        years = [c["year"] for c in run["commitments"]]
        assert years == list(range(years[0], years[0] + len(years)))
        assert len(years) + (run["promised_again_in"] is not None) >= 3
    assert "## 连续多年提出、从未评为已落实的承诺" in (out / "chain.md").read_text(encoding="utf-8")
