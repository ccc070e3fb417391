"""Extract: the plan's commitments (task sentences and one per target) and the review's
statements, each with its quantities."""
from __future__ import annotations

from . import quantities
from .model import Extraction, Item, Report

COMMITMENT_KINDS = ("body", "target")
STATEMENT_KINDS = ("body", "lead", "target", "shortfall")


def extract(report: Report) -> Extraction:
    commitments = [
        Item(f"C{index:03d}", sentence, quantities.parse(sentence.norm), target=sentence.kind == "target")
        for index, sentence in enumerate(
            (s for s in report.sentences if s.section == "plan" and s.kind in COMMITMENT_KINDS), start=1
        )
    ]
    statements = [
        Item(f"E{index:03d}", sentence, quantities.parse(sentence.norm))
        for index, sentence in enumerate(
            (s for s in report.sentences if s.section == "review" and s.kind in STATEMENT_KINDS), start=1
        )
    ]
    return Extraction(report, commitments, statements)
