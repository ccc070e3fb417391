
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


def _commitments(path):
    return [(c.sentence.kind, c.sentence.norm) for c in pipeline.read_report(need(path)).commitments]


def test_half_width_commas_do_not_split_a_target():
    """Hailar 2017: "目标是:地区生产总值增长7.5%,达到326.4亿元;…" is one target per "；", and the
    rest of the list is targets too, down to "主要约束性指标达到上级要求。"."""
    targets = [text for kind, text in _commitments(CORPUS / "district-gwr" / "hailar" / "2017.txt") if kind == "target"]
    assert targets[0] == "地区生产总值增长7.5%，达到326.4亿元；"
    assert len(targets) == 7 and targets[-1] == "主要约束性指标达到上级要求。"


def test_a_target_list_stops_at_comment():
    texts = {text: kind for kind, text in _commitments(CORPUS / "national-gwr" / "1998.txt")}
    assert texts["这体现了稳中求进的精神。"] == "body"


@pytest.mark.parametrize("path, chapter, lost", [
    ("national-gwr-tmx/2011.txt", "（八）深入推进重点领域改革", "继续推进国有经济战略性调整，健全国有资本有进有退、合理流动机制。"),
    ("district-gwr/hailar/2015.txt", "（五）深化改革开放，激发经济社会发展活力",
     "全面深化改革，加快推进政府自身改革，进一步简政放权，规范政务服务中心的运行，提高一站式办结的时效性。"),
    ("shanghai-gwr/2020.txt", "（八）扎实推进污染防治攻坚战", "全面完成第七轮环保三年行动计划。"),
])
def test_lost_plan_sentences_are_commitments(path, chapter, lost):
    """Readers found these lost: a chapter heading on a line of its own swallowed the next line's first
    sentence, and a short opening sentence that promises a delivery was taken for a topic lead."""
    found = [c.sentence for c in pipeline.read_report(need(CORPUS / path)).commitments if c.sentence.norm == lost]
    assert [s.chapter for s in found] == [chapter]


def test_review_evidence_after_a_bare_heading_is_a_statement():
    """Hailar 2015 reviews 2014: GDP 274.4亿元 sits on the line after "（一）县域经济实力稳步提升"."""
    statements = [s.sentence.norm for s in pipeline.read_report(need(CORPUS / "district-gwr" / "hailar" / "2015.txt")).statements]
    assert "2014年，全区地区生产总值完成274.4亿元，同比增长9.1%；" in statements


def test_an_admitted_miss_is_a_statement():
    """National 2012 reviews 2011: "节能减排、物价调控目标没有完成" sits in the problems paragraph, and
    is the evidence that those targets were missed."""
    statements = pipeline.read_report(need(CORPUS / "national-gwr-tmx" / "2012.txt")).statements
    admitted = [s.sentence for s in statements if "物价调控目标没有完成" in s.sentence.norm]
    assert [s.kind for s in admitted] == ["shortfall"]


def test_defence_and_diplomacy_are_not_filed_under_the_last_chapter():
    """National 2011: after "（十）加强廉政建设和反腐败工作" an address "各位代表！" opens the units on
    nationalities, defence, Hong Kong, Taiwan and diplomacy, which belong to no numbered chapter."""
    commitments = pipeline.read_report(need(CORPUS / "national-gwr-tmx" / "2011.txt")).commitments
    chapters = {c.sentence.norm: c.sentence.chapter for c in commitments}
    assert chapters["积极稳妥地推进国防和军队改革。"] == ""
    assert chapters["建设廉洁的政府是一项持久而又紧迫的任务，是人民的殷切期望。"] == "（十）加强廉政建设和反腐败工作"


def test_a_look_back_inside_the_plan_is_not_a_commitment():
    report = pipeline.read_report(need(CORPUS / "national-gwr-tmx" / "2014.txt"))
    looks_back = [s for s in report.report.sentences if s.norm.startswith("过去一年，国防和军队建设扎实推进")]
    assert [(s.section, s.kind) for s in looks_back] == [("plan", "retrospective")]
    assert not [c for c in report.commitments if c.sentence.norm.startswith("过去一年")]
