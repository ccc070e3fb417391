"""Rate: fulfilled / partial / missing, with a one-sentence reason a deputy can check.

- missing: no statement of the review scores as evidence for any clause;
- numeric targets are compared with a reported figure of the same kind and unit, honouring the
  qualifier; a target whose figure is not reported is missing (or partial when the indicator is
  mentioned without a figure, "实现正增长"); a target without a figure of its own ("居民收入稳步增长")
  is rated like any task;
- completion promised (完成/建成/出台…) but only progress reported (推进/启动…) is partial;
- otherwise fulfilled when every concrete clause has evidence, partial when only some do.
"""
from __future__ import annotations

import math
import re

from . import params
from .model import Candidates, Evidence, Quantity, TargetCheck, Verdict

COMPLETION = re.compile(r"完成|建成|开设|成立|出台|制定|印发|开业|竣工|实现|创建|通过")
PROGRESS_ONLY = re.compile(r"有序推进|稳步推进|加快推进|正在|启动|推进中|前期|筹建|谋划|基本完成|基本完工")
DONE = re.compile(r"完成|建成|竣工|开业|出台|印发|成立|挂牌|投入使用|开放|运营|上线|获批|落地|完工|实现|获评|入选|创建")
RATE_UNITS = ("%", "‰", "个百分点")
NUMERALS = "零一二三四五六七八九十"


def _count_word(number: int) -> str:
    return NUMERALS[number] if 0 <= number <= 10 else str(number)


def _shorten(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ngram_overlap(a: str, b: str) -> float:
    grams_a = {a[i:i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i:i + 2] for i in range(len(b) - 1)}
    return len(grams_a & grams_b) / len(grams_a) if grams_a else 0.0


def is_target(quantity: Quantity, target_item: bool) -> bool:
    """A committed figure: a rate, a qualified figure, or any figure in the plan's target list."""
    return target_item or quantity.unit in RATE_UNITS or quantity.qualifier is not None


def _head(quantity: Quantity) -> str:
    """The measure before a figure (a count's measure also carries what follows it, after …)."""
    return quantity.measure.partition("…")[0]


RELATION = re.compile(r"相当于|占|达到|保持在|控制在|提高到|提升至|提高至")


def _subject(measure: str) -> str:
    """What a ratio or level is of: the measure before its relation word (环保投入 in
    环保投入相当于全市生产总值的比例保持在); empty when there is no such word."""
    found = RELATION.search(measure)
    return measure[:found.start()] if found and found.start() >= 2 else ""


def _comparable(target: Quantity, actual: Quantity, context: str) -> bool:
    """Same kind of figure about the same measure; `context` is the statement text just before it
    ("一般公共预算收入53.7亿元，剔除留抵退税因素后增长2.66%": the measure is two clauses back)."""
    if (target.unit in RATE_UNITS) != (actual.unit in RATE_UNITS):
        return False
    if target.unit not in RATE_UNITS and target.unit != actual.unit:
        return False
    if target.unit in RATE_UNITS and (target.kind == "growth") != (actual.kind == "growth"):
        return False
    head, _, tail = target.measure.partition("…")
    subjects = _subject(head), _subject(_head(actual))
    if all(subjects) and max(_ngram_overlap(*subjects), _ngram_overlap(*subjects[::-1])) < 0.3:
        return False  # same phrasing (相当于全市生产总值的比例), different subject
    return (
        _ngram_overlap(head, actual.measure) >= 0.3
        or (bool(tail) and _ngram_overlap(tail, actual.measure) >= 0.3)
        or _ngram_overlap(head, context) >= 0.6
    )


def _met(target: Quantity, actual: Quantity) -> bool:
    lower_better = target.kind == "change" or target.qualifier == "at_most" or any(
        word in target.measure for word in params.LOWER_IS_BETTER
    )
    rate = target.unit in RATE_UNITS
    slack = params.ABOUT_TOLERANCE_POINTS if rate else abs(target.value) * params.ABOUT_TOLERANCE_RELATIVE
    if target.qualifier != "about":
        slack = 0.0
    goal, value = target.value, actual.value
    if target.kind == "change":  # 下降0.5%: both negative after parsing; more decline is better
        return value <= goal + slack
    if lower_better:
        return value <= goal + slack
    if target.qualifier == "more_than":
        return value > goal or (actual.qualifier in ("more_than", "at_least") and value >= goal)
    return value >= goal - slack


def check_targets(candidates: Candidates) -> list[TargetCheck]:
    item = candidates.commitment
    checks = []
    for target in item.quantities:
        if not is_target(target, item.target):
            continue
        # Of every comparable figure in the evidence, the one whose measure is closest to the
        # target's (银行业…贷款增长27.3% and 大型商业银行…贷款增幅超过40% share a statement).
        comparable = [q for evidence in candidates.evidence for q in evidence.statement.quantities
                      if _comparable(target, q, evidence.statement.sentence.norm[max(0, q.start - 30):q.start])]
        actual = max(comparable, key=lambda q: _ngram_overlap(_head(target), _head(q)), default=None)
        checks.append(TargetCheck(target, actual, _met(target, actual) if actual else None))
    return checks


def _figure(quantity: Quantity) -> str:
    """The figure as a deputy would say it: 增长4%左右, 下降0.5%左右, 7290人次."""
    verb = {"growth": "增长", "change": "下降" if quantity.value < 0 else "变化"}.get(quantity.kind, "")
    return verb + quantity.text


def _targets_met(targets: list[TargetCheck]) -> str:
    parts = "；".join(f"目标{_figure(c.target)}，实际{_figure(c.actual)}" for c in targets)
    return f"{parts}，已完成。"


def probability(model: dict, features: dict[str, float]) -> float:
    total = model["bias"] + sum(weight * features.get(name, 0.0) for name, weight in model["weights"].items())
    return 1.0 / (1.0 + math.exp(-total))


def _listing(clauses: list[str]) -> str:
    return "、".join(_shorten(c) for c in clauses[:2]) + ("等" if len(clauses) > 2 else "")


def _parts_reason(candidates: Candidates, covered: list[bool]) -> str:
    """Which concrete clauses (all clauses when none is concrete) have no evidence."""
    concrete = [i for i, flag in enumerate(candidates.concrete) if flag] or list(range(len(covered)))
    missing = [candidates.clauses[i] for i in concrete if not covered[i]]
    if not missing:
        return f"有相关下文，但未报告全部完成：{_shorten(candidates.evidence[0].statement.text, 40)}"
    if len(missing) == len(concrete):
        return (f"只有相关表述（{_shorten(candidates.evidence[0].statement.text, 24)}），"
                f"未见具体内容：{_listing(missing)}。")
    return (f"{_count_word(len(concrete))}项内容中{_count_word(len(concrete) - len(missing))}项有下文；"
            f"未见：{_listing(missing)}。")


def rate(candidates: Candidates) -> Verdict:
    """Targets by rule; otherwise the two commitment-level models, then the completion check."""
    item = candidates.commitment
    clauses = candidates.clauses
    covered = [False] * len(clauses)
    for found in candidates.evidence:
        for index in found.clauses:
            covered[index] = True
    targets = check_targets(candidates)
    addressed = probability(params.EVIDENCED, candidates.features)
    complete = probability(params.COMPLETE, candidates.features)
    reported = [c for c in targets if c.actual is not None]
    all_reported = bool(reported) and len(reported) == len(targets)
    unmet = [c for c in reported if c.met is False]

    def verdict(status: str, confidence: float, reason: str) -> Verdict:
        evidence = [] if status == "missing" else candidates.evidence
        return Verdict(item, status, confidence, reason, evidence, clauses, covered if evidence else [False] * len(clauses),
                       targets, candidates.repeat)

    if not candidates.evidence or (addressed < 0.5 and not reported):
        return verdict("missing", 1.0 - addressed, "执行情况未见下文：没有一条表述提到这项承诺。")
    if unmet:
        check = unmet[0]
        return verdict("partial", addressed, f"目标{_figure(check.target)}，实际{_figure(check.actual)}，未达到目标。")
    if item.target and targets:  # a target without a figure (居民收入稳步增长) is rated like any task
        if all_reported:
            return verdict("fulfilled", addressed, _targets_met(targets))
        unreported = next(c for c in targets if c.actual is None)
        return verdict("partial", addressed * 0.8, f"目标{_figure(unreported.target)}，执行情况提到该指标但未报具体数值。")
    best_text = candidates.evidence[0].statement.sentence.norm
    promised = COMPLETION.search(item.sentence.norm)
    if promised and PROGRESS_ONLY.search(best_text) and not DONE.search(best_text):
        return verdict("partial", addressed * 0.7, f"承诺“{promised.group(0)}”，执行情况只报告仍在推进。")
    if all_reported and complete >= 0.5:
        return verdict("fulfilled", addressed * complete, _targets_met(targets))
    if complete >= 0.5:
        return verdict("fulfilled", addressed * complete,
                       f"各项内容均有下文：{_shorten(candidates.evidence[0].statement.text, 40)}")
    return verdict("partial", addressed * (1 - complete), _parts_reason(candidates, covered))
