"""The deputy's review loop: correct pairs.xlsx, read it back, keep the verdicts across re-runs,
score against them and learn from them; bad workbooks are one line and exit 2, nothing written."""
import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.learn import dataset
from tracker.learn.train import halves

from .conftest import CORPUS, EXEC_2022, PLAN_2022, need

# Five corrected verdicts, as a reviewer would enter them: (row, 人工评定, 人工采信的证据, 复核意见)
EDITS = [(2, "已落实", "", ""), (3, "未见下文", "", "执行报告没有提到一般公共预算收入"),
         (4, "不是承诺", "", ""), (5, "已落实", "E011", ""), (7, "部分落实", "", "")]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit")
    result = run("audit", PLAN_2022, EXEC_2022, "--out", folder)
    assert result.exit_code == 0, result.output
    return folder


def reviewed_copy(audited, tmp_path, edit=None):
    """pairs.xlsx with the five verdicts changed and a reviewer's name, saved as the reviewer would."""
    path = tmp_path / "返回" / "pairs-reviewed.xlsx"
    path.parent.mkdir(exist_ok=True)
    book = openpyxl.load_workbook(audited / "pairs.xlsx")
    sheet = book["承诺"]
    header = [c.value for c in sheet[1]]
    column = {name: header.index(name) + 1 for name in header}
    for row, status, evidence, note in EDITS:
        sheet.cell(row, column["人工评定"]).value = status
        sheet.cell(row, column["人工采信的证据"]).value = evidence or None
        sheet.cell(row, column["复核人"]).value = "王代表"
        sheet.cell(row, column["复核意见"]).value = note or None
    if edit:
        edit(book, column)
    book.save(path)
    return path


def test_workbook_is_a_review_form(audited):
    book = openpyxl.load_workbook(audited / "pairs.xlsx")
    sheet = book["承诺"]
    header = [c.value for c in sheet[1]]
    assert header[-4:] == ["人工评定", "人工采信的证据", "复核人", "复核意见"]
    assert sheet.protection.sheet and not sheet.protection.password
    assert sheet.cell(2, header.index("人工评定") + 1).protection.locked is False
    assert sheet.cell(2, header.index("评定") + 1).protection.locked is True
    choices = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert choices == ['"已落实,部分落实,未见下文,不是承诺"']
    info = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert info["格式"] == "tracker-review/1" and info["年度"] == "2022"
    assert info["计划报告文件"] == "seeds/yuexiu-2021-review-2022-plan.txt"


def test_review_loop(audited, tmp_path):
    """Review five verdicts, read them back, and audit the pair again: the human verdicts stay."""
    workbook = reviewed_copy(audited, tmp_path)
    out = tmp_path / "final"
    result = run("review", workbook, "--out", out)
    assert result.exit_code == 0, result.output
    assert "Human reviews: 5 applied, the machine agrees on" in result.output
    document = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in document["commitments"]}
    expected = {"C001": "fulfilled", "C002": "missing", "C003": "not_a_commitment", "C004": "fulfilled",
                "C006": "partial"}
    for id_, status in expected.items():
        assert by_id[id_]["status"] == status and by_id[id_]["review"]["reviewer"] == "王代表"
        assert by_id[id_]["machine_status"] in ("fulfilled", "partial", "missing")
    assert "网络零售额突破93.2亿元" in by_id["C004"]["review"]["evidence"][0]  # E011 read as its text
    reviews = document["reviews"]
    assert reviews["reviewed"] == 5 and reviews["unmatched"] == []
    assert reviews["agreed"] == sum(by_id[i]["machine_status"] == s for i, s in expected.items())
    assert sorted(reviews["changed"]) == sorted(i for i, s in expected.items() if by_id[i]["machine_status"] != s)
    assert sum(document["summary"].values()) == 84  # C003 is not a commitment
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "## 人工复核" in markdown and "共5条承诺经人工复核" in markdown
    assert markdown.count("（人工复核）") >= 4
    assert "执行报告没有提到一般公共预算收入" in markdown
    assert (out / "reviews.json").exists()

    again = run("audit", PLAN_2022, EXEC_2022, "--out", out)
    assert again.exit_code == 0, again.output
    assert "Human reviews: 5 applied" in again.output
    rerun = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert {c["id"]: c["status"] for c in rerun["commitments"] if c["review"]} == expected
    book = openpyxl.load_workbook(out / "pairs.xlsx")
    header = [c.value for c in book["承诺"][1]]
    assert book["承诺"].cell(3, header.index("人工评定") + 1).value == "未见下文"

    scored = run("eval", out / "audit.json", workbook, "--quiet")
    assert scored.exit_code == 0 and "aligned 4 of 4" in scored.output  # not_a_commitment is not scored
    pair = dataset.load_pair("reviewed", *dataset.labelled_pairs([out / "reviews.json"])["reviews"])
    assert sorted(u.status for u in pair.units) == sorted(expected.values())
    # both training scripts read the folder the same way: its pairs come after the labelled ones,
    # which keep their halves (train.halves), so the adapters stay cross-fitted
    folder = tmp_path / "reviewed"
    folder.mkdir()
    for name in ("b.json", "a.json"):
        shutil.copy(out / "reviews.json", folder / name)
    (folder / "notes.txt").write_text("not a review", encoding="utf-8")
    assert dataset.reviewed_files(folder) == [folder / "a.json", folder / "b.json"]
    assert dataset.reviewed_files(tmp_path / "absent") == []
    names = list(dataset.labelled_pairs(dataset.reviewed_files(folder)))
    plain = list(dataset.labelled_pairs())
    assert names == plain + ["a", "b"]
    assert all(half[: len(before)] == before for half, before in zip(halves(names), halves(plain)))


def test_sorted_rows_still_match(audited, tmp_path):
    def sort_rows(book, column):
        sheet = book["承诺"]
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        for index, values in enumerate(reversed(rows), start=2):
            for col, value in enumerate(values, start=1):
                sheet.cell(index, col).value = value

    workbook = reviewed_copy(audited, tmp_path, sort_rows)
    result = run("review", workbook, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert "Human reviews: 5 applied" in result.output


def _delete_sheet(book, column):
    del book["承诺"]


def _delete_column(book, column):
    book["承诺"].delete_cols(column["人工评定"])


def _unknown_value(book, column):
    book["承诺"].cell(9, column["人工评定"]).value = "基本完成"


def _unknown_statement(book, column):
    book["承诺"].cell(9, column["人工评定"]).value = "已落实"
    book["承诺"].cell(9, column["人工采信的证据"]).value = "E999"


def _other_pair(book, column):
    info = book["说明"]
    for row in info.iter_rows(min_row=1):
        if row[0].value == "计划报告文件":
            row[1].value = str(need(CORPUS / "shanghai-gwr" / "2021.txt"))
        if row[0].value == "执行报告文件":
            row[1].value = str(need(CORPUS / "shanghai-gwr" / "2022.txt"))


@pytest.mark.parametrize("edit, message", [
    (_delete_sheet, "sheet 承诺 is missing (found 匹配对, 汇总, 说明); use the pairs.xlsx that tracker audit wrote"),
    (_delete_column, "sheet 承诺, row 1: column 人工评定 is missing (deleted or renamed?)"),
    (_unknown_value, "sheet 承诺, cell O9: 人工评定 must be one of 已落实、部分落实、未见下文、不是承诺 (found '基本完成')"),
    (_unknown_statement, "sheet 承诺, cell P9: E999 is not a statement of the review"),
    (_other_pair, "reviews of another report pair (2022: 关于广州市越秀区2021年国民经济和社会发展规划执行情况与2022年计划草案的报告)"),
])
def test_bad_workbook_is_one_line_exit_2(audited, tmp_path, edit, message):
    workbook = reviewed_copy(audited, tmp_path, edit)
    out = tmp_path / "o"
    result = run("review", workbook, "--out", out)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {workbook}: {message}") and result.output.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("content, message", [
    (b"not a workbook", "not an xlsx workbook (File is not a zip file)"),
    (b"PK\x03\x04broken", "not an xlsx workbook (File is not a zip file)"),
])
def test_file_that_is_not_xlsx(tmp_path, content, message):
    path = tmp_path / "pairs.xlsx"
    path.write_bytes(content)
    result = run("review", path, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert result.output == f"Error: {path}: {message}\n"
    assert not (tmp_path / "o").exists()


def test_audit_refuses_reviews_of_another_pair(audited, tmp_path):
    workbook = reviewed_copy(audited, tmp_path)
    out = tmp_path / "final"
    assert run("review", workbook, "--out", out).exit_code == 0
    before = (out / "audit.json").read_bytes()
    other = run("audit", need(CORPUS / "shanghai-gwr" / "2021.txt"), need(CORPUS / "shanghai-gwr" / "2022.txt"),
                "--out", out)
    assert other.exit_code == 2 and other.output.count("\n") == 1
    assert other.output.startswith(f"Error: {out / 'reviews.json'}: reviews of another report pair")
    assert (out / "audit.json").read_bytes() == before


def test_reviews_of_commitments_no_longer_extracted_are_reported(audited, tmp_path):
    workbook = reviewed_copy(audited, tmp_path)
    out = tmp_path / "final"
    assert run("review", workbook, "--out", out).exit_code == 0
    stored = json.loads((out / "reviews.json").read_text(encoding="utf-8"))
    stored["commitments"][0]["text"] = "建成一座不存在的跨海大桥。"
    (out / "reviews.json").write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    result = run("audit", PLAN_2022, EXEC_2022, "--out", out)
    assert result.exit_code == 0, result.output
    assert "Human reviews: 4 applied" in result.output and "1 match no commitment any more" in result.output
    assert "no longer extracted: fulfilled  建成一座不存在的跨海大桥。" in result.output
    document = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert [r["text"] for r in document["reviews"]["unmatched"]] == ["建成一座不存在的跨海大桥。"]
