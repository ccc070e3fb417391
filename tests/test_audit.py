"""Matching and rating with the real m3e-small model on the seed pair."""
import json

from tracker import match
from tracker.render import jsonout, write_atomic

from .conftest import by_prefix


def test_every_commitment_is_rated(seed_audit):
    assert len(seed_audit.verdicts) == 85
    for verdict in seed_audit.verdicts:
        assert verdict.status in ("fulfilled", "partial", "missing")
        assert verdict.reason
        assert (verdict.status == "missing") == (not verdict.evidence)
        scores = [e.score for e in verdict.evidence]
        assert scores == sorted(scores, reverse=True)


def test_target_met_is_quoted_in_the_reason(seed_audit):
    """The gold rates it partial (the training bases are not reported); the met figure is still said."""
    verdict = by_prefix(seed_audit, "促进和稳定就业，开展“南粤家政”培训4000人次以上")
    assert verdict.evidence[0].statement.sentence.norm.startswith("开展“南粤家政”补贴性培训7290人次")
    assert "目标4000人次以上，实际7290人次" in verdict.reason


def test_unmentioned_reform_is_missing(seed_audit):
    assert by_prefix(seed_audit, "探索破产审判与破产事务相分离改革").status == "missing"
    assert by_prefix(seed_audit, "深化文化交流活动内涵").status == "missing"


def test_named_project_finds_its_statement(seed_audit):
    verdict = by_prefix(seed_audit, "高标准建设麓湖、流花湖共3.3公里生态碧道，新建一批口袋公园")
    assert "口袋公园" in verdict.evidence[0].statement.text
    assert verdict.status == "partial"


def test_clauses_split_outside_quotes():
    assert match.split_clauses("支持“链主”企业牵头，协同产业链上下游资源开展攻关，主导或参与行业标准制定。") == [
        "支持“链主”企业牵头", "协同产业链上下游资源开展攻关", "主导或参与行业标准制定"]


def test_audit_json_shape(seed_audit, tmp_path):
    path = write_atomic(tmp_path / "a.json", jsonout.dumps(jsonout.audit_document(seed_audit)))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["plan_report"]["year"] == data["execution_report"]["year"] == 2022
    assert sum(data["summary"].values()) == len(data["commitments"]) == 85
    first = data["commitments"][0]
    assert set(first) >= {"id", "chapter", "text", "status", "confidence", "reason", "targets", "evidence"}
    evidence = next(c for c in data["commitments"] if c["evidence"])["evidence"][0]
    assert set(evidence) >= {"text", "score", "chapter", "location"}


def test_same_ratio_phrasing_about_another_subject_is_not_the_figure():
    """环保投入…的比例 is not answered by 研发经费支出…的比例 (Shanghai 2021→2022)."""
    from tracker import quantities, rate

    target = quantities.parse("环保投入相当于全市生产总值的比例保持在3%左右，")[0]
    statement = "全社会研发经费支出相当于全市生产总值的比例保持在4.1%左右，集成电路产值增长18.3%"
    reported = quantities.parse(statement)[0]
    assert not rate._comparable(target, reported, statement[:reported.start])
    same = quantities.parse("环保投入相当于全市生产总值的比例保持在3.1%")[0]
    assert rate._comparable(target, same, "")


def test_range_target_is_met_at_its_lower_end_and_a_baseline_is_no_actual():
    """国内生产总值增长6%－6.5% (State Council 2019) is met by 增长6.1%; 达到14.6亿元 (Hailar 2015) is
    answered by 达到15.07亿元, not by the look-back's starting figure 由2010年的5.24亿元."""
    from tracker import quantities, rate

    def check(target, statement):
        (target,) = [q for q in quantities.parse(target) if rate.is_target(q, True)]
        actual = [q for q in quantities.parse(statement) if rate._comparable(target, q, statement[:q.start])]
        return [(q.text, rate._met(target, q)) for q in actual]

    assert check("国内生产总值增长6%－6.5%；", "国内生产总值达到99.1万亿元，增长6.1%。") == [("6.1%", True)]
    assert check("国内生产总值增长6%－6.5%；", "国内生产总值增长5.9%。") == [("5.9%", False)]
    assert check("排放总量减少8%至10%", "排放总量减少8.6%") == [("8.6%", True)]
    assert check("公共财政预算收入达到14.6亿元；", "公共财政预算收入由2010年的5.24亿元增加到2015年的15.07亿元") == [
        ("15.07亿元", True)]
    assert check("单位国内生产总值能耗降低2.5%左右", "单位国内生产总值能耗降幅超过3%") == [("超过3%", True)]
    assert not rate.is_target(quantities.parse("发展0-6岁婴幼儿照护服务")[0], False)


def test_target_whose_indicator_is_never_named_is_missing(seed_audit):
    """社会消费品零售总额增长5%以上: the review reports 网络零售额 and promotions, never the indicator
    (the gold: missing); 地区生产总值 is named without its growth figure (partial)."""
    verdict = by_prefix(seed_audit, "社会消费品零售总额增长")
    assert (verdict.status, verdict.reason) == ("missing", "目标增长5%以上，执行情况未报告该指标。")
    assert "提到该指标但未报具体数值" in by_prefix(seed_audit, "——地区生产总值增长4%左右").reason


def test_target_without_a_figure_is_rated_as_a_task(national_audit):
    """居民收入稳步增长 has no figure to compare: the review's 增长8.1% answers it, and the reason
    must not claim that no figure was reported."""
    verdict = by_prefix(national_audit, "居民收入稳步增长")
    assert verdict.commitment.target and verdict.status == "fulfilled"
    assert "未报具体数值" not in verdict.reason


def test_target_takes_the_figure_of_its_own_measure(national_audit):
    """One statement reports 银行业金融机构…贷款增长27.3% and 大型商业银行…贷款增幅超过40%."""
    verdict = by_prefix(national_audit, "大型商业银行普惠小微企业贷款增长30%以上")
    assert verdict.status == "fulfilled"
    assert "实际增长超过40%" in verdict.reason


def test_partial_with_no_part_found_says_so(seed_audit):
    """"三项内容中零项有下文" read as a contradiction of "partial"; the reason names the related
    statement and the parts not seen instead."""
    from tracker import rate
    from tracker.model import Candidates

    assert not [v for v in seed_audit.verdicts if "零项" in v.reason]
    verdict = next(v for v in seed_audit.verdicts if v.status == "partial" and len(v.clauses) > 1)
    found = Candidates(verdict.commitment, verdict.clauses, [True] * len(verdict.clauses), verdict.evidence)
    reason = rate._parts_reason(found, ["none"] * len(verdict.clauses), [])
    assert reason.startswith("只有相关表述（") and "未见具体内容：" in reason


def test_partial_reason_says_which_parts_are_done_under_way_or_unseen(seed_audit):
    """The part model's reading of each concrete clause decides what the reason names."""
    from tracker import rate
    from tracker.model import Candidates

    verdict = next(v for v in seed_audit.verdicts if v.status == "partial" and len(v.clauses) >= 3)
    found = Candidates(verdict.commitment, verdict.clauses[:3], [True] * 3, verdict.evidence)
    reason = rate._parts_reason(found, ["done", "progress", "none"], [])
    assert reason == (f"三项内容中一项已完成、一项仍在推进（{rate._shorten(verdict.clauses[1])}）；"
                      f"未见：{rate._shorten(verdict.clauses[2])}。")


def test_clause_features_are_one_row_per_clause(seed_audit):
    from tracker import rate
    from tracker.model import Candidates

    verdict = next(v for v in seed_audit.verdicts if len(v.clauses) > 1)
    found = Candidates(verdict.commitment, verdict.clauses, [True] * len(verdict.clauses), verdict.evidence)
    assert rate.clause_features(found).shape == (len(verdict.clauses), len(rate.CLAUSE_FEATURES))


def test_a_completion_word_after_a_negation_is_no_completion():
    """未能完成 and 尚未建成 admit a miss; 已建成 reports one done."""
    from tracker import rate

    assert [bool(rate.DONE.search(text)) for text in ("未能完成年度目标", "尚未建成", "没有完成", "已建成投用")] == [
        False, False, False, True]
