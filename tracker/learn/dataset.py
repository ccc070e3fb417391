"""Labelled report pairs as training data for the judge, in the tool's own units.

Two label formats are read: `commitment-train/1` (data/train/: ids of the tool's extraction, evidence
statements by id with a `done` flag, the readers' parts) and the gold files (`commitment-gold/1` with
`commitment-parts/1` beside them: evidence as text). Labels are aligned to today's extraction by
text, never by id, so a change in extraction keeps the labels usable; units that no longer align
are counted and left out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from .. import pipeline
from ..evaluate import ALIGN_MIN, text_key
from ..model import Extraction

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "data"
REVIEWED = DATA / "reviewed"


@dataclass
class Part:
    text: str
    kind: str  # part | framing
    status: str  # done | progress | none
    evidence: set[int]  # statement indices


@dataclass
class Unit:
    index: int  # index into plan.commitments
    status: str  # fulfilled | partial | missing | not_a_commitment
    evidence: dict[int, bool]  # statement index -> reported done
    parts: list[Part] = field(default_factory=list)


@dataclass
class LabelledPair:
    name: str
    plan: Extraction
    execution: Extraction
    units: list[Unit]
    unaligned: int  # labelled units with no counterpart in today's extraction


# name -> (plan report, execution report, labels, parts or None); paths relative to the repository
GOLD_PAIRS = {
    "seed_2022": ("seeds/yuexiu-2021-review-2022-plan.txt", "seeds/yuexiu-2022-review-2023-plan.txt",
                  "data/gold/gold_seed.json", "data/gold/parts_seed_2022.json"),
    "national_2021": ("data/corpus/national-gwr/2021.txt", "data/corpus/national-gwr/2022.txt",
                      "data/gold/gold_national_2021.json", "data/gold/parts_national_2021.json"),
}


def labelled_pairs(extra: list[Path] | None = None) -> dict[str, tuple[str, str, str, str | None]]:
    """Every labelled pair: the two golds, data/train/*.json and reviewed workbooks' JSON (`extra`)."""
    pairs = dict(GOLD_PAIRS)
    for path in sorted((DATA / "train").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        pairs[data["pair"]] = ("data/" + data["plan_report"], "data/" + data["execution_report"],
                               str(path.relative_to(ROOT)), None)
    for path in extra or []:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        pairs[Path(path).stem] = (data["plan_report"]["path"], data["execution_report"]["path"], str(path), None)
    return pairs


class _Aligner:
    """Text -> index of the closest unit text (rapidfuzz ratio on punctuation-free keys)."""

    def __init__(self, texts: list[str]):
        self.keys = [text_key(t) for t in texts]
        self.exact = {}
        for index, key in enumerate(self.keys):
            self.exact.setdefault(key, index)

    def find(self, text: str, minimum: float = ALIGN_MIN) -> int | None:
        key = text_key(text)
        if key in self.exact:
            return self.exact[key]
        found = process.extractOne(key, self.keys, scorer=fuzz.ratio, score_cutoff=minimum)
        if found:
            return found[2]
        # a gold sentence cut differently from the tool's: containment of a long enough piece
        found = process.extractOne(key, self.keys, scorer=fuzz.partial_ratio, score_cutoff=95)
        if found and min(len(key), len(self.keys[found[2]])) >= 8:
            return found[2]
        return None


def _statement_index(aligner: _Aligner, evidence) -> int | None:
    if isinstance(evidence, dict):
        evidence = evidence.get("text", "")
    return aligner.find(evidence)


def load_pair(name: str, plan_path: str, execution_path: str, labels_path: str, parts_path: str | None) -> LabelledPair:
    plan = pipeline.read_report(ROOT / plan_path if not Path(plan_path).is_absolute() else plan_path)
    execution = pipeline.read_report(ROOT / execution_path if not Path(execution_path).is_absolute() else execution_path)
    data = json.loads((ROOT / labels_path).read_text(encoding="utf-8"))
    commitments = _Aligner([c.text for c in plan.commitments])
    statements = _Aligner([s.text for s in execution.statements])
    parts_by_text = {}
    if parts_path:
        for entry in json.loads((ROOT / parts_path).read_text(encoding="utf-8"))["commitments"]:
            parts_by_text[text_key(entry["commitment"])] = entry["parts"]
    units: list[Unit] = []
    seen: set[int] = set()
    unaligned = 0
    entries = list(data["commitments"]) + [{"commitment": t, "status": "not_a_commitment"}
                                           for t in data.get("non_commitments", [])]
    for entry in entries:
        text = entry.get("text") or entry.get("commitment", "")
        index = commitments.find(text)
        if index is None or index in seen:
            unaligned += 1
            continue
        seen.add(index)
        evidence: dict[int, bool] = {}
        for found in entry.get("evidence", []):
            column = _statement_index(statements, found)
            if column is not None:
                done = found.get("done") if isinstance(found, dict) else None
                evidence[column] = bool(done) if done is not None else entry["status"] == "fulfilled"
        raw_parts = entry.get("parts") or parts_by_text.get(text_key(text), [])
        parts = [Part(p["text"], p["kind"], p["status"],
                      {c for c in (_statement_index(statements, e) for e in p.get("evidence", [])) if c is not None})
                 for p in raw_parts]
        units.append(Unit(index, entry["status"], evidence, parts))
    return LabelledPair(name, plan, execution, units, unaligned)


def reviewed_files(folder: Path = REVIEWED) -> list[Path]:
    """The reviewed audits in `folder` (copies of `tracker review`'s reviews.json): the judge and
    its encoder adapters learn from them next to the labelled pairs, so that both training scripts
    see the same pairs in the same order (and so the same halves, train.halves)."""
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def load_all(names: list[str] | None = None, extra: list[Path] | None = None) -> list[LabelledPair]:
    pairs = labelled_pairs(extra)
    return [load_pair(name, *pairs[name]) for name in (names or list(pairs))]
