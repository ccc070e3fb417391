"""Rate: fulfilled / partial / missing, with a one-sentence reason a deputy can check.

- missing: the judge lists no statement as evidence, or its status model finds the commitment
  unaddressed and no target figure was reported;
- numeric targets are compared with a reported figure of the same kind and unit, honouring the
  qualifier (a range is met at its less demanding end); a target whose figure is not reported is
  missing when no evidence names its indicator (and the commitment is that target alone), partial
  when the indicator is mentioned without a figure ("实现正增长"); a target without a figure of its own ("居民收入稳步增长")
  is rated like any task;
- evidence that admits a miss (a "shortfall" sentence: "节能减排、物价调控目标没有完成") is partial;
- completion promised (完成/建成/出台…) but only progress reported (推进/启动…) is partial;
- otherwise the judge's status model decides fulfilled or partial; the reason names the concrete
  clauses (the judge's reading: not purpose or slogan) that its part model reads as only under way
  or not reported, as readers split a commitment into its parts.
"""
from __future__ import annotations

import math
import re

import numpy as np

from . import params
from .model import Candidates, Evidence, Item, Quantity, TargetCheck, Verdict
from .quantities import RATE_UNITS

COMPLETION = re.compile(r"完成|建成|开设|成立|出台|制定|印发|开业|竣工|实现|创建|通过")
PROGRESS_ONLY = re.compile(r"有序推进|稳步推进|加快推进|正在|启动|推进中|前期|筹建|谋划|基本完成|基本完工")
DONE = re.compile(r"(?<!没有)(?<!未)(?<!未能)(?:完成|建成|竣工|开业|出台|印发|成立|挂牌|投入使用|开放|运营|上线|获批|落地|完工|实现|获评|入选|创建)")
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
    """A committed figure: a rate, a qualified figure, or any figure in the plan's target list (but
    never where a change starts; a range of counts, "0-6岁婴幼儿", is no target by itself)."""
    qualified = quantity.qualifier not in (None, "range")
    return quantity.kind != "baseline" and (target_item or quantity.unit in RATE_UNITS or qualified)


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
    if actual.kind == "baseline" or (target.unit in RATE_UNITS) != (actual.unit in RATE_UNITS):
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
    if target.upper is not None:  # a range is met at its less demanding end (6.1% of 增长6%－6.5%)
        goal = max(goal, target.upper) if lower_better else min(goal, target.upper)
    if target.kind == "change":  # 下降0.5%: both negative after parsing; more decline is better
        return value <= goal + slack
    if lower_better:
        return value <= goal + slack
    if target.qualifier == "more_than":
        return value > goal or (actual.qualifier in ("more_than", "at_least") and value >= goal)
    return value >= goal - slack


def _mentions(target: Quantity, statement: Item) -> bool:
    """Whether the statement names the target's indicator at all (网络零售额 is not 社会消费品零售总额)."""
    return _ngram_overlap(_head(target), statement.sentence.norm) >= params.MENTION_OVERLAP


def check_targets(item: Item, statements: list[Item]) -> list[TargetCheck]:
    """Each committed figure of `item` against the comparable figures of `statements`."""
    checks = []
    for target in item.quantities:
        if not is_target(target, item.target):
            continue
        # Of every comparable figure in the evidence, the one whose measure is closest to the
        # target's (银行业…贷款增长27.3% and 大型商业银行…贷款增幅超过40% share a statement).
        comparable = [q for statement in statements for q in statement.quantities
                      if _comparable(target, q, statement.sentence.norm[max(0, q.start - 30):q.start])]
        actual = max(comparable, key=lambda q: _ngram_overlap(_head(target), _head(q)), default=None)
        checks.append(TargetCheck(target, actual, _met(target, actual) if actual else None))
    return checks


# The readers' verdict on one concrete part of a commitment, which the judge's part model predicts
# per clause: reported done (or met), reported under way, or not reported.
PART_STATUSES = ("done", "progress", "none")
# What the part model reads of one clause (see clause_features).
CLAUSE_FEATURES = (
    "p_best", "p_second", "p_share", "covering", "done_best", "progress_best", "shortfall_best", "done_share",
    "promised", "figure", "concrete", "chars", "clauses", "position", "item_best", "item_done",
)


def _probability(candidates: Candidates) -> np.ndarray:
    """P(evidence) per (clause, statement read); a row of zeros when the judge read nothing."""
    probability = candidates.probability
    if probability is None or probability.size == 0:
        return np.zeros((max(len(candidates.clauses), 1), 1))
    return probability


def _completed(read: list[Item]) -> list[bool]:
    """Which statements carry a completion cue (DONE)."""
    return [bool(DONE.search(s.sentence.norm)) for s in read]


def _done_share(done: list[bool], weights: np.ndarray) -> float:
    """The P(evidence)-weighted share of statements with a completion cue (`done`, per statement),
    over those at TARGET_EVIDENCE."""
    kept = [(flag, p) for flag, p in zip(done, weights) if p >= params.TARGET_EVIDENCE]
    total = sum(p for _, p in kept)
    return float(sum(p for flag, p in kept if flag) / total) if total else 0.0


def clause_features(candidates: Candidates) -> np.ndarray:
    """Per clause (one row each): how strongly which statement speaks to it and whether that
    statement reports it done, under way or admitted missed; what the clause promises; and the
    commitment around it. Readers rate each concrete part this way, then the commitment."""
    probability = _probability(candidates)
    read = candidates.read[: probability.shape[1]]
    done_flags = _completed(read)
    cues = [(done, bool(PROGRESS_ONLY.search(s.sentence.norm)), s.sentence.kind == "shortfall")
            for done, s in zip(done_flags, read)]
    statement_best = probability.max(axis=0)
    item_best = float(statement_best.max())
    item_done = _done_share(done_flags, statement_best)
    clauses = candidates.clauses or [candidates.commitment.sentence.norm]
    concrete = candidates.concrete or [True] * len(clauses)
    rows = []
    for index, (clause, row) in enumerate(zip(clauses, probability)):
        order = np.argsort(-row, kind="stable")
        best = row[order[0]]
        done, progress, shortfall = cues[order[0]] if read else (False, False, False)
        rows.append((
            best, row[order[1]] if len(row) > 1 else 0.0, best / item_best if item_best else 0.0,
            math.log1p(int((row >= params.COVER_THRESHOLD).sum())),
            float(done), float(progress and not done), float(shortfall), _done_share(done_flags, row),
            float(bool(COMPLETION.search(clause))), float(bool(re.search(r"\d", clause))), float(concrete[index]),
            math.log1p(len(clause)), math.log(len(clauses)), index / max(len(clauses) - 1, 1), item_best, item_done,
        ))
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(CLAUSE_FEATURES))


# What the judge's status model reads of one commitment (see status_features).
STATUS_FEATURES = (
    "p_best", "p_second", "evidence_count", "clause_mean", "clause_min", "concrete_min", "covered_share",
    "done_best", "progress_best", "done_share", "promised",
    "target", "targets", "target_met", "target_unmet", "target_unreported",
    "clauses", "concrete_share", "chars",
    "csls", "terms", "rare", "fused", "signal_clause_mean", "signal_clause_min", "support",
    "parts_done_mean", "parts_none_mean", "parts_done_min", "parts_none_max", "parts_all_done", "parts_all_none",
    "whole", "cosine",
)


def status_features(candidates: Candidates, parts: np.ndarray) -> np.ndarray:
    """How strongly and how evenly the judge found evidence for the commitment's clauses, whether
    that evidence reports things done, how its figures compare with the targets, what the part
    model reads of its concrete clauses (`parts`: P of each PART_STATUSES per clause), and how near
    the review comes to the commitment's topic at all (the strongest tuned cosines)."""
    item = candidates.commitment
    probability = _probability(candidates)
    statement_best = probability.max(axis=0)
    clause_best = probability.max(axis=1)
    concrete = np.asarray(candidates.concrete or [True] * len(clause_best), dtype=bool)
    read = candidates.read[: len(statement_best)]
    checks = check_targets(item, [s for s, p in zip(read, statement_best) if p >= params.TARGET_EVIDENCE])
    best_text = read[0].sentence.norm if read else ""
    signals = candidates.features
    return np.array([
        statement_best.max(), np.sort(statement_best)[-2] if len(statement_best) > 1 else 0.0,
        math.log1p(int((statement_best >= params.LIST_THRESHOLD).sum())),
        clause_best.mean(), clause_best.min(), clause_best[concrete].min() if concrete.any() else clause_best.min(),
        float((clause_best >= params.COVER_THRESHOLD).mean()),
        float(bool(DONE.search(best_text))), float(bool(PROGRESS_ONLY.search(best_text))),
        _done_share(_completed(read), statement_best),
        float(bool(COMPLETION.search(item.sentence.norm))),
        float(item.target), len(checks),
        sum(c.met is True for c in checks), sum(c.met is False for c in checks), sum(c.met is None for c in checks),
        math.log(max(len(clause_best), 1)), float(concrete.mean()), math.log1p(len(item.sentence.norm)),
        *(signals.get(name, 0.0) for name in ("csls", "terms", "rare", "fused")),
        signals.get("clause_mean", 0.0), signals.get("clause_min", 0.0), signals.get("support", 0.0),
        *_parts_summary(parts, concrete[: len(parts)]), signals.get("whole", 0.0), signals.get("cosine", 0.0),
    ], dtype=np.float64)


def _parts_summary(parts: np.ndarray, concrete: np.ndarray) -> tuple[float, ...]:
    """Over the concrete clauses (all when none is): mean P(done), mean P(none), the weakest done,
    the strongest none, and P that all are done / none were the clauses independent."""
    chosen = parts[concrete] if concrete.any() else parts
    done, none = chosen[:, PART_STATUSES.index("done")], chosen[:, PART_STATUSES.index("none")]
    return (float(done.mean()), float(none.mean()), float(done.min()), float(none.max()),
            float(np.prod(done)), float(np.prod(none)))


def _figure(quantity: Quantity) -> str:
    """The figure as a deputy would say it: 增长4%左右, 下降0.5%左右, 7290人次."""
    verb = {"growth": "增长", "change": "下降" if quantity.value < 0 else "变化"}.get(quantity.kind, "")
    return verb + quantity.text


def _targets_met(targets: list[TargetCheck]) -> str:
    parts = "；".join(f"目标{_figure(c.target)}，实际{_figure(c.actual)}" for c in targets)
    return f"{parts}，已完成。"


def _listing(clauses: list[str]) -> str:
    return "、".join(_shorten(c) for c in clauses[:2]) + ("等" if len(clauses) > 2 else "")


def _parts_reason(candidates: Candidates, readings: list[str], targets: list[TargetCheck]) -> str:
    """What the part model reads of the concrete clauses (all clauses when none is concrete): how
    many are reported done, which are only under way, which are not seen; after the targets that
    were met (a met figure is worth saying even when the rest falls short)."""
    met = "".join(f"目标{_figure(c.target)}，实际{_figure(c.actual)}；" for c in targets if c.met)
    concrete = [i for i, flag in enumerate(candidates.concrete) if flag] or list(range(len(readings)))
    missing = [candidates.clauses[i] for i in concrete if readings[i] == "none"]
    under_way = [candidates.clauses[i] for i in concrete if readings[i] == "progress"]
    if not missing and not under_way:
        return f"{met}有相关下文，但未报告全部完成：{_shorten(candidates.evidence[0].statement.text, 40)}"
    if len(missing) == len(concrete):
        return (f"{met}只有相关表述（{_shorten(candidates.evidence[0].statement.text, 24)}），"
                f"未见具体内容：{_listing(missing)}。")
    done = len(concrete) - len(missing) - len(under_way)
    said = [f"{_count_word(done)}项已完成"] if done else []
    said += [f"{_count_word(len(under_way))}项仍在推进（{_listing(under_way)}）"] if under_way else []
    unseen = f"；未见：{_listing(missing)}" if missing else ""
    return f"{met}{_count_word(len(concrete))}项内容中{'、'.join(said)}{unseen}。"


def _nearest(candidates: Candidates) -> Evidence | None:
    """The statement the judge found closest to a commitment it rates missing, when its
    P(evidence) reaches params.NEAREST_PROBABILITY: where a deputy checks the silence first."""
    best = float(_probability(candidates)[:, 0].max())  # `read` is strongest first
    if not candidates.read or best < params.NEAREST_PROBABILITY:
        return None
    return Evidence(candidates.read[0], best, {})


def read_parts(clause_rows: list[np.ndarray], parts) -> list[np.ndarray]:
    """`parts(features) -> P of each part status` over every commitment's clause rows in one call,
    split back per commitment."""
    return np.split(parts(np.vstack(clause_rows)), np.cumsum([len(rows) for rows in clause_rows])[:-1])


def rate_all(found: list[Candidates], judge) -> list[Verdict]:
    """Every commitment of a pair: the judge's status model in one pass, then `rate`."""
    if not found:
        return []
    parts = read_parts([clause_features(candidates) for candidates in found], judge.parts)
    chances = judge.status(np.vstack([status_features(c, p) for c, p in zip(found, parts)]))
    verdicts = [rate(candidates, dict(zip(judge.statuses, row)), reading)
                for candidates, row, reading in zip(found, chances.tolist(), parts)]
    for verdict, aside in zip(verdicts, judge.aside([c.commitment.sentence.norm for c in found]).tolist()):
        verdict.aside = aside
    return verdicts


def rate(candidates: Candidates, chances: dict[str, float], parts: np.ndarray) -> Verdict:
    """Targets by rule; otherwise the judge's status model (`chances`: P of each status), then the
    completion check. `parts` (P of each PART_STATUSES per clause) gives each clause's reading
    (done, under way, not reported), which the verdict keeps and the reason names."""
    item = candidates.commitment
    clauses = candidates.clauses
    readings = [PART_STATUSES[int(np.argmax(row))] for row in parts[: len(clauses)]]
    targets = check_targets(item, [found.statement for found in candidates.evidence])
    addressed = 1.0 - chances["missing"]
    complete = chances["fulfilled"] / max(addressed, 1e-9)  # P(fulfilled | addressed)
    reported = [c for c in targets if c.actual is not None]
    all_reported = bool(reported) and len(reported) == len(targets)
    unmet = [c for c in reported if c.met is False]

    def verdict(status: str, confidence: float, reason: str) -> Verdict:
        evidence = [] if status == "missing" else candidates.evidence
        return Verdict(item, status, confidence, reason, evidence, clauses, readings if evidence else ["none"] * len(clauses),
                       targets, candidates.repeat, nearest=_nearest(candidates) if status == "missing" else None)

    if not candidates.evidence or (chances["missing"] >= params.MISSING_PROBABILITY and not reported):
        return verdict("missing", 1.0 - addressed, "执行情况未见下文：没有一条表述提到这项承诺。")
    if unmet:
        check = unmet[0]
        return verdict("partial", addressed, f"目标{_figure(check.target)}，实际{_figure(check.actual)}，未达到目标。")
    admitted = next((f.statement for f in candidates.evidence if f.statement.sentence.kind == "shortfall"), None)
    if admitted:
        return verdict("partial", addressed, f"执行情况承认未完成：{_shorten(admitted.text, 40)}")
    if item.target and targets:  # a target without a figure (居民收入稳步增长) is rated like any task
        if all_reported:
            return verdict("fulfilled", addressed, _targets_met(targets))
        unreported = next(c for c in targets if c.actual is None)
        # with more clauses than the target's, the other parts may be what was reported
        if not reported and len(clauses) <= 1 and not any(_mentions(unreported.target, found.statement)
                                                          for found in candidates.evidence):
            return verdict("missing", max(chances["missing"], 0.5),
                           f"目标{_figure(unreported.target)}，执行情况未报告该指标。")
        return verdict("partial", addressed * 0.8, f"目标{_figure(unreported.target)}，执行情况提到该指标但未报具体数值。")
    best_text = candidates.evidence[0].statement.sentence.norm
    promised = COMPLETION.search(item.sentence.norm)
    if promised and PROGRESS_ONLY.search(best_text) and not DONE.search(best_text):
        return verdict("partial", addressed * 0.7, f"承诺“{promised.group(0)}”，执行情况只报告仍在推进。")
    if all_reported and complete >= params.COMPLETE_PROBABILITY:
        return verdict("fulfilled", addressed * complete, _targets_met(targets))
    if complete >= params.COMPLETE_PROBABILITY:
        return verdict("fulfilled", addressed * complete,
                       f"各项内容均有下文：{_shorten(candidates.evidence[0].statement.text, 40)}")
    return verdict("partial", addressed * (1 - complete), _parts_reason(candidates, readings, targets))
