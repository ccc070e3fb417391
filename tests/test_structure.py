
import pytest

from tracker import ingest, pipeline, structure
from tracker.errors import StructureError

from .conftest import CORPUS, EXEC_2022, PLAN_2022, need


def test_split_respects_quotes_and_brackets():
    text = "打造“一核一环”。他说：“好。再好。”然后；最后（注：一。二）！完"
    spans = structure.split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["打造“一核一环”。", "他说：“好。再好。”然后；", "最后（注：一。二）！", "完"]


@pytest.mark.parametrize("path, review, plan", [(PLAN_2022, 2021, 2022), (EXEC_2022, 2022, 2023)])
def test_seed_sections_and_years(path, review, plan):
    report = structure.parse(ingest.read(path))
    assert (report.review_year, report.plan_year) == (review, plan)
    assert [s.kind for s in report.sections] == ["review", "plan"]


def test_seed_chapters_and_leads():
    report = structure.parse(ingest.read(EXEC_2022))
    review = [s for s in report.sentences if s.section == "review"]
    assert any(s.kind == "lead" and s.norm == "疫情防控以快制快。" for s in review)
    assert review[-1].kind == "problems"
    chapters = {s.chapter for s in review}
    assert "（一）积极应对疫情考验，经济活力逐步恢复" in chapters


CORPUS_YEARS = [("shanghai-gwr", year) for year in range(2020, 2025)] + [
    ("national-gwr", year) for year in range(2020, 2023)] + [
    ("national-gwr-tmx", year) for year in range(2008, 2020) if year != 2009]


@pytest.mark.parametrize("folder, year", CORPUS_YEARS)
def test_every_corpus_file_yields_review_and_plan(folder, year):
    extraction = pipeline.read_report(need(CORPUS / folder / f"{year}.txt"))
    assert (extraction.report.review_year, extraction.report.plan_year) == (year - 1, year)
    assert len(extraction.commitments) > 80 and len(extraction.statements) > 40


def test_truncated_report_fails_clearly():
    with pytest.raises(StructureError, match=r"2009.txt: section 二、 is missing"):
        pipeline.read_report(need(CORPUS / "national-gwr-tmx" / "2009.txt"))


def test_other_parts_are_named_not_planned():
    report = structure.parse(ingest.read(need(CORPUS / "shanghai-gwr" / "2021.txt")))
    kinds = [(s.number, s.kind) for s in report.sections]
    assert kinds == [("一", "review"), ("二", "other"), ("三", "plan"), ("四", "plan")]


def test_no_sections_is_an_error(tmp_path):
    path = tmp_path / "prose.txt"
    path.write_text("这是一段没有章节的文字。\n还有一句。\n", encoding="utf-8")
    with pytest.raises(StructureError, match="no review and no plan section found"):
        pipeline.read_report(path)


def test_years_that_do_not_follow(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_text("一、2019年工作回顾\n完成投资。\n二、2022年主要任务\n新建公园。\n", encoding="utf-8")
    with pytest.raises(StructureError, match="review covers 2019 but the plan is for 2022"):
        pipeline.read_report(path)


def test_thanks_and_attributions_are_not_statements():
    """“在这里，我代表…向…表示衷心的感谢” reports nothing done (Shanghai 2022, national 2022)."""
    for path in (CORPUS / "shanghai-gwr" / "2022.txt", CORPUS / "national-gwr" / "2022.txt"):
        statements = [s.sentence.norm for s in pipeline.read_report(need(path)).statements]
        assert not [s for s in statements if "我代表" in s or s.startswith("这是") and s.endswith("的结果。")]
