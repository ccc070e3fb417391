"""Features and labels of a labelled pair, computed by the same code an audit runs.

A commitment's clauses (match.split_clauses) are labelled from the readers' parts they overlap:
a (clause, statement) pair is positive when the statement is evidence of one of those parts, and
a clause is done / progress / none as its parts are (framing when it overlaps framing only).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from .. import match
from ..evaluate import text_key
from .dataset import LabelledPair, Unit


@dataclass
class PairData:
    name: str
    labelled: LabelledPair
    blocks: list[match.PairBlock]  # per commitment of the plan
    matrix: match.SignalMatrix
    units: dict[int, Unit]  # commitment index -> its labels (rated commitments only)
    pair_labels: dict[int, np.ndarray]  # commitment index -> 1/0 per block row, -1 unknown
    clause_parts: dict[int, list[list[int]]]  # commitment index -> per clause, indices of overlapping parts


def _span(piece: str, whole: str, cursor: int = 0) -> tuple[int, int] | None:
    key = text_key(piece)
    if not key:
        return None
    found = whole.find(key, cursor)
    if found < 0:
        found = whole.find(key)
    if found >= 0:
        return found, found + len(key)
    alignment = fuzz.partial_ratio_alignment(key, whole)
    if alignment is None or alignment.score < 80:
        return None
    return alignment.dest_start, alignment.dest_end


def overlapping_parts(clauses: list[str], commitment_text: str, unit: Unit) -> list[list[int]]:
    """For each clause, the indices of the unit's parts whose text overlaps it."""
    whole = text_key(commitment_text)
    clause_spans, cursor = [], 0
    for clause in clauses:
        span = _span(clause, whole, cursor)
        clause_spans.append(span)
        if span:
            cursor = span[1]
    part_spans = [_span(part.text, whole) for part in unit.parts]
    result = []
    for span in clause_spans:
        found = []
        for index, other in enumerate(part_spans):
            if span and other and min(span[1], other[1]) - max(span[0], other[0]) >= 2:
                found.append(index)
        result.append(found)
    return result


def clause_status(unit: Unit, parts: list[int]) -> str:
    """done / progress / none from the overlapping parts of kind `part`; framing when there are none."""
    statuses = [unit.parts[i].status for i in parts if unit.parts[i].kind == "part"]
    if not statuses:
        return "framing"
    if all(s == "done" for s in statuses):
        return "done"
    if all(s == "none" for s in statuses):
        return "none"
    return "progress"


def build(pair: LabelledPair, encode, plain_encode=None) -> PairData:
    commitments, statements = pair.plan.commitments, pair.execution.statements
    matrix = match.signals(commitments, statements, encode, plain_encode)
    blocks = match.pair_blocks(commitments, statements, matrix)
    units = {u.index: u for u in pair.units if u.status != "not_a_commitment"}
    pair_labels, clause_parts = {}, {}
    for index, unit in units.items():
        block = blocks[index]
        clauses = [matrix.clauses[r] for r in block.rows]
        parts = overlapping_parts(clauses, commitments[index].sentence.norm, unit)
        clause_parts[index] = parts
        labels = []
        for found in parts:
            if unit.parts:
                evidence = set().union(*(unit.parts[i].evidence for i in found)) if found else set()
            else:
                evidence = set(unit.evidence)
            labels += [1 if column in evidence else 0 for column in block.columns]
        pair_labels[index] = np.asarray(labels, dtype=np.int64)
    return PairData(pair.name, pair, blocks, matrix, units, pair_labels, clause_parts)
