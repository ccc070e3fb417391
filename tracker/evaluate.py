"""Scoring an audit against gold labels (vecalign's habit: the evaluation is part of the tool).

Commitments are aligned to the gold by text, never by id: both sides are compared without
punctuation and spaces, and a pair counts when rapidfuzz's ratio reaches ALIGN_MIN.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from .errors import GoldError
from .model import STATUSES as LABELS

ALIGN_MIN = 85.0
NON_WORD = re.compile(r"[^\w]|_")


def text_key(text: str) -> str:
    return NON_WORD.sub("", text.replace("——", ""))


def _load(path: str | Path, what: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GoldError(f"{path}: not a JSON {what} file ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("commitments"), list):
        raise GoldError(f"{path}: not a {what} file (no commitments list)")
    return data


def load_labels(path: str | Path) -> dict:
    """Labels to score against: a gold or training file, reviews.json, a reviewed audit JSON (the
    reviewers' verdicts), or a reviewed pairs.xlsx."""
    if Path(path).suffix.lower() == ".xlsx":
        from .review import read_workbook  # the review loop imports this module

        reviewed = read_workbook(path)
        return {"commitments": [{"commitment": r.text, "status": r.status, "evidence": r.evidence}
                                for r in reviewed.reviews]}
    data = _load(path, "gold")
    if data.get("format") == "tracker-audit/1":
        return {"commitments": [{"commitment": c["text"], **c["review"]} for c in data["commitments"] if c.get("review")]}
    return data


@dataclass
class Scores:
    gold_total: int
    aligned: int
    predicted_total: int
    confusion: dict[str, dict[str, int]]
    accuracy: float
    kappa: float
    macro_f1: float
    f1: dict[str, float]
    precision_at_1: float
    recall_at_3: float
    evidence_judged: int
    disagreements: list[dict] = field(default_factory=list)
    carried: list[tuple[bool, bool]] = field(default_factory=list)  # (gold, predicted) where gold has it

    @property
    def carried_accuracy(self) -> float:
        return sum(g == p for g, p in self.carried) / len(self.carried) if self.carried else 0.0

    @property
    def carried_kappa(self) -> float:
        return cohen_kappa(self.carried, (True, False))


def cohen_kappa(pairs: list[tuple], labels=LABELS) -> float:
    total = len(pairs)
    if not total:
        return 0.0
    observed = sum(g == p for g, p in pairs) / total
    expected = sum(
        (sum(g == label for g, _ in pairs) / total) * (sum(p == label for _, p in pairs) / total) for label in labels
    )
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def _f1(pairs: list[tuple[str, str]], label: str) -> float:
    tp = sum(g == label and p == label for g, p in pairs)
    predicted = sum(p == label for _, p in pairs)
    actual = sum(g == label for g, _ in pairs)
    if not predicted or not actual:
        return 0.0
    precision, recall = tp / predicted, tp / actual
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _label_text(entry: dict) -> str:
    """A labelled commitment's text: `commitment` in the gold files, `text` in training files."""
    return entry.get("commitment") or entry.get("text", "")


def _same(a: str, b: str) -> bool:
    return fuzz.ratio(text_key(a), text_key(b)) >= ALIGN_MIN


def score(audit_path: str | Path, gold_path: str | Path) -> Scores:
    audit = _load(audit_path, "tracker audit")
    gold = load_labels(gold_path)
    predicted = audit["commitments"]
    keys = [text_key(c.get("text", "")) for c in predicted]
    pairs: list[tuple[str, str]] = []
    hits = judged = recalled = 0
    disagreements = []
    carried: list[tuple[bool, bool]] = []
    used: set[int] = set()
    for entry in gold["commitments"]:
        if entry.get("status") not in LABELS:
            continue
        key = text_key(_label_text(entry))
        best, best_score = None, 0.0
        for index, other in enumerate(keys):
            if index in used:
                continue
            value = fuzz.ratio(key, other)
            if value > best_score:
                best, best_score = index, value
        if best is None or best_score < ALIGN_MIN:
            continue
        used.add(best)
        mine = predicted[best]
        machine = mine.get("machine_status", mine["status"])  # a reviewed audit: score the machine
        pairs.append((entry["status"], machine))
        if isinstance(entry.get("carried_over"), bool) and isinstance(mine.get("carried_over"), bool):
            carried.append((entry["carried_over"], mine["carried_over"]))
        gold_evidence = [e["text"] if isinstance(e, dict) else e for e in entry.get("evidence") or []]
        found = [e["text"] for e in mine.get("evidence", [])]
        if gold_evidence and found:
            judged += 1
            hits += any(_same(found[0], g) for g in gold_evidence)
        if gold_evidence:
            recalled += any(_same(f, g) for f in found[:3] for g in gold_evidence)
        if entry["status"] != machine:
            disagreements.append({
                "id": mine["id"], "gold": entry["status"], "predicted": machine,
                "text": _label_text(entry), "reason": mine.get("reason", ""), "gold_note": entry.get("note", ""),
                "evidence": found[:1], "gold_evidence": gold_evidence[:1],
            })
    with_evidence = sum(1 for e in gold["commitments"] if e.get("status") in LABELS and e.get("evidence"))
    confusion = {g: {p: sum(1 for a, b in pairs if a == g and b == p) for p in LABELS} for g in LABELS}
    f1 = {label: _f1(pairs, label) for label in LABELS}
    return Scores(
        gold_total=sum(1 for e in gold["commitments"] if e.get("status") in LABELS),
        aligned=len(pairs),
        predicted_total=len(predicted),
        confusion=confusion,
        accuracy=sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0,
        kappa=cohen_kappa(pairs),
        macro_f1=sum(f1.values()) / len(LABELS),
        f1=f1,
        precision_at_1=hits / judged if judged else 0.0,
        recall_at_3=recalled / with_evidence if with_evidence else 0.0,
        evidence_judged=judged,
        disagreements=disagreements,
        carried=carried,
    )
