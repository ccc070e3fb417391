"""Terminal output with rich: plain when not a TTY or NO_COLOR is set, always within the width."""
from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..evaluate import Scores
from ..model import STATUSES as LABELS
from ..model import Audit, Chain, Extraction
from ..review import agreement

STATUS_STYLE = {"fulfilled": "green", "partial": "yellow", "missing": "red", "not_a_commitment": "dim"}


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def extraction_summary(console: Console, extraction: Extraction) -> None:
    report = extraction.report
    console.print(Text(report.title or report.path, style="bold"))
    console.print(f"{report.path}: review of {report.review_year}, plan for {report.plan_year}")
    sections = Table(title="Sections", show_lines=False)
    for column in ("no.", "part", "year", "title", "line"):
        sections.add_column(column)
    for section in report.sections:
        sections.add_row(section.number, section.kind, str(section.year or ""), _short(section.title, 40), str(section.line))
    console.print(sections)
    per_chapter = Counter(item.chapter or "(outside the numbered chapters)" for item in extraction.commitments)
    chapters = Table(title=f"{len(extraction.commitments)} commitments, {len(extraction.statements)} statements")
    chapters.add_column("chapter")
    chapters.add_column("commitments", justify="right")
    for chapter, count in per_chapter.items():
        chapters.add_row(_short(chapter, 50), str(count))
    console.print(chapters)
    targets = [item for item in extraction.commitments if item.target]
    if targets:
        table = Table(title="Targets")
        for column in ("id", "target", "value", "qualifier"):
            table.add_column(column)
        for item in targets:
            figures = "; ".join(f"{q.value:g}{q.unit}" for q in item.quantities) or "—"
            qualifiers = "; ".join(q.qualifier or "" for q in item.quantities)
            table.add_row(item.id, _short(item.text, 40), figures, qualifiers)
        console.print(table)


def audit_report(console: Console, audit: Audit, details: bool = False) -> None:
    console.print(Text(f"Audit of the {audit.year} plan", style="bold"))
    console.print(f"plan:      {audit.plan.title or audit.plan.path}  ({audit.plan.path})")
    console.print(f"execution: {audit.execution.title or audit.execution.path}  ({audit.execution.path})")
    console.print(f"model:     {audit.model}")
    summary = audit.summary()
    total = sum(summary.values()) or 1
    line = Text()
    for status in LABELS:
        line.append(f"{status} {summary[status]} ({summary[status] / total:.0%})  ", style=STATUS_STYLE[status])
    line.append(f"· promised again in the next plan: {audit.carried_over()}")
    console.print(line)

    bars = Table(title="By chapter", show_header=True)
    bars.add_column("chapter", overflow="fold")
    bars.add_column("F/P/M", justify="right")
    bars.add_column("", no_wrap=True)
    for chapter, counts in audit.by_chapter().items():
        bar = Text()
        for status in LABELS:
            bar.append("█" * counts[status], style=STATUS_STYLE[status])
        bars.add_row(_short(chapter, 30), "/".join(str(counts[s]) for s in LABELS), bar)
    console.print(bars)

    table = Table(title="Commitments", show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("commitment", ratio=3, overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("best evidence", ratio=3, overflow="fold")
    for verdict in audit.verdicts:
        if verdict.evidence:
            best = _short(verdict.evidence[0].statement.text, 60)
        elif verdict.nearest:  # not evidence: where to check the silence first
            best = Text(f"nearest, not accepted: {_short(verdict.nearest.statement.text, 40)}", style="dim")
        else:
            best = "—"
        status = verdict.final + (" (reviewed)" if verdict.review else " (maybe no commitment)" if verdict.flagged_aside else "")
        table.add_row(verdict.commitment.id, _short(verdict.commitment.text, 60),
                      Text(status, style=STATUS_STYLE[verdict.final]), best)
    console.print(table)

    missing = [v for v in audit.verdicts if v.final == "missing"]
    if missing:
        console.print(Text(f"Not mentioned in the review ({len(missing)}):", style="bold red"))
        for verdict in missing:
            console.print(f"  {verdict.commitment.id}  {_short(verdict.commitment.text, 90)}")
    review_summary(console, audit)
    if details:
        for verdict in audit.verdicts:
            console.print(Text(f"\n{verdict.commitment.id} [{verdict.status}] {verdict.commitment.text}",
                               style=STATUS_STYLE[verdict.status]))
            console.print(f"  reason: {verdict.reason}  (confidence {verdict.confidence:.2f})")
            for evidence in verdict.evidence:
                signals = " ".join(f"{k}={v:.2f}" for k, v in evidence.signals.items())
                console.print(f"  {evidence.score:.3f} {evidence.statement.id} {evidence.statement.sentence.location} "
                              f"{evidence.statement.text}  [{signals}]")


def review_summary(console: Console, audit: Audit) -> None:
    """How far machine and reviewer agree, where they differ, and reviews that no longer match."""
    found = agreement(audit)
    if not found.reviewed and not audit.unmatched_reviews:
        return
    console.print(Text(f"Human reviews: {found.reviewed} applied, the machine agrees on {found.agreed} "
                       f"(kappa {found.kappa:.3f}); {len(audit.unmatched_reviews)} match no commitment any more",
                       style="bold"), soft_wrap=True)
    for verdict in found.changed:
        console.print(f"  {verdict.commitment.id}  machine {verdict.status} → reviewer {verdict.review.status}  "
                      f"{_short(verdict.commitment.text, 60)}", soft_wrap=True)
    for review in audit.unmatched_reviews:
        console.print(f"  no longer extracted: {review.status}  {_short(review.text, 70)}", soft_wrap=True)


def eval_report(console: Console, scores: Scores, show_disagreements: bool = True) -> None:
    console.print(f"aligned {scores.aligned} of {scores.gold_total} gold commitments "
                  f"({scores.predicted_total} in the audit)")
    table = Table(title="Confusion (rows gold, columns predicted)")
    table.add_column("gold \\ predicted")
    for label in LABELS:
        table.add_column(label, justify="right")
    for gold in LABELS:
        table.add_row(gold, *(str(scores.confusion[gold][p]) for p in LABELS))
    console.print(table)
    if show_disagreements:
        for item in scores.disagreements:
            console.print(f"{item['id']} gold={item['gold']} predicted={item['predicted']}: {_short(item['text'], 70)}")
            console.print(f"    tool: {item['reason']}")
            console.print(f"    gold: {item['gold_note']}")
    per_class = " ".join(f"{label}-F1 {scores.f1[label]:.3f}" for label in LABELS)
    console.print(f"per class: {per_class}")
    console.print(f"evidence P@1 {scores.precision_at_1:.3f} (of {scores.evidence_judged}), R@3 {scores.recall_at_3:.3f}")
    if scores.carried:
        console.print(f"carried over: accuracy {scores.carried_accuracy:.3f}  kappa {scores.carried_kappa:.3f} "
                      f"(of {len(scores.carried)})")
    console.print(f"kappa {scores.kappa:.3f}  accuracy {scores.accuracy:.3f}  macro-F1 {scores.macro_f1:.3f}  "
                  f"missing-F1 {scores.f1['missing']:.3f}  evidence P@1 {scores.precision_at_1:.3f}", soft_wrap=True)


def chain_report(console: Console, chain: Chain) -> None:
    table = Table(title=f"Chain of {len(chain.audits)} report pairs")
    table.add_column("plan year")
    table.add_column("execution report", overflow="fold")
    for status in LABELS:
        table.add_column(status, justify="right")
    table.add_column("promised again", justify="right")
    for audit in chain.audits:
        summary = audit.summary()
        table.add_row(str(audit.year), _short(audit.execution.title or audit.execution.path, 40),
                      *(Text(str(summary[s]), style=STATUS_STYLE[s]) for s in LABELS),
                      str(audit.carried_over()))
    console.print(table)
    runs = chain.perennial()
    console.print(f"promised in 3 or more consecutive plans: {len(runs)}")
    for run in runs[:10]:
        statuses = " → ".join(f"{year} {v.status}" for year, v in run)
        console.print(f"  {_short(run[0][1].commitment.text, 60)}  [{statuses}]")

