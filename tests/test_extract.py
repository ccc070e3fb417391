import json

from rapidfuzz import fuzz

from tracker import pipeline
from tracker.evaluate import text_key

from .conftest import CORPUS, GOLD_SEED, PLAN_2022, need


def test_seed_plan_commitments_cover_the_gold():
    extraction = pipeline.read_report(PLAN_2022)
    assert 75 <= len(extraction.commitments) <= 100
    keys = [text_key(c.text) for c in extraction.commitments]
    gold = json.loads(need(GOLD_SEED).read_text(encoding="utf-8"))["commitments"]
    found = sum(max(fuzz.ratio(text_key(g["commitment"]), k) for k in keys) >= 90 for g in gold)
    assert found >= 0.95 * len(gold)


def test_repaired_sentences_come_out_whole():
    texts = [c.sentence.norm for c in pipeline.read_report(PLAN_2022).commitments]
    assert any(t.startswith("推动粤港澳大湾区生命健康产业创新区重点打造健康医疗核心区+国际生命健康产业环") for t in texts)
    assert any(t.startswith("推动社区嵌入式养老机构、家庭养老床位、适老化改造、“家政+养老”等重点工作，探索打造") for t in texts)


def test_no_footnote_text_inside_commitments():
    extraction = pipeline.read_report(PLAN_2022)
    footnote_texts = [f for c in extraction.commitments for f in c.sentence.footnotes]
    assert footnote_texts, "footnotes should be attached to their sentences"
    for item in extraction.commitments:
        assert "<sup>" not in item.text
        assert "Automated External Defibrillator" not in item.text
        assert "一个粤港澳大湾区地理信息协同创新中心" not in item.text


def test_targets_one_per_line():
    targets = [c for c in pipeline.read_report(PLAN_2022).commitments if c.target]
    assert [t.sentence.norm for t in targets][:2] == ["——地区生产总值增长4%左右；", "社会消费品零售总额增长5%以上；"]
    assert len(targets) == 6
    assert targets[5].quantities[0].qualifier == "at_most"


def test_inline_target_list_is_split():
    extraction = pipeline.read_report(need(CORPUS / "shanghai-gwr" / "2021.txt"))
    assert 150 <= len(extraction.commitments) <= 230
    targets = [c.sentence.norm for c in extraction.commitments if c.target]
    assert targets[0].startswith("全市生产总值增长6%以上")
    assert len(targets) >= 6


def test_meta_and_preamble_are_not_commitments():
    texts = [c.text for c in pipeline.read_report(PLAN_2022).commitments]
    assert not any("建议重点抓好以下工作" in t for t in texts)
    assert not any("为指导" in t for t in texts)
