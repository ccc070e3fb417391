"""Match: for every commitment, the review statements that speak to it, clause by clause.

Commitments and statements both bundle several tasks, so both are cut into clauses. Four
signals (see params.py) are computed for each (commitment clause, statement) pair and fused by
a small logistic model; a statement is evidence for the clauses it scores above the threshold.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from . import params
from .model import Candidates, Evidence, Item

CLAUSE_SPLIT = re.compile(r"[，；：,;:]")
NON_WORD = re.compile(r"[^\w]|_")
QUOTED = re.compile(r"[“《]([^”》]{2,30})[”》]")
CONNECTIVES = re.compile(r"^(?:并|和|及|同时|进一步|切实|积极|大力|全面|持续|不断|着力|努力|加快|坚持|深入)+")


def split_clauses(text: str) -> list[str]:
    """Clauses at ，；： outside quotes and brackets; very short pieces join their neighbour."""
    pieces: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char in "“《（(":
            depth += 1
        elif char in "”》）)" and depth:
            depth -= 1
        if depth == 0 and CLAUSE_SPLIT.match(char):
            pieces.append(current)
            current = ""
        else:
            current += char
    pieces.append(current)
    clauses: list[str] = []
    for piece in (p.strip().rstrip("。！？；") for p in pieces):
        if not piece:
            continue
        if clauses and len(NON_WORD.sub("", clauses[-1])) < 6:
            clauses[-1] += "，" + piece
        else:
            clauses.append(piece)
    if len(clauses) > 1 and len(NON_WORD.sub("", clauses[-1])) < 6:
        last = clauses.pop()
        clauses[-1] += "，" + last
    return clauses or [text]


def ngrams(text: str) -> set[str]:
    compact = NON_WORD.sub("", text)
    return {compact[i:i + n] for n in params.NGRAM_SIZES for i in range(len(compact) - n + 1)}


class TermWeights:
    """IDF of character n-grams over the sentences of both sides: rare terms decide."""

    def __init__(self, documents: list[str]):
        self.documents = len(documents) or 1
        self.df: Counter[str] = Counter()
        for document in documents:
            self.df.update(ngrams(document))
        self.max_idf = math.log(self.documents + 1)

    def idf(self, gram: str) -> float:
        return math.log((self.documents + 1) / (self.df.get(gram, 0) + 1))

    def mass(self, grams: set[str]) -> float:
        return sum(self.idf(g) for g in grams if len(g) == 2)


@dataclass
class SignalMatrix:
    """Each signal for every (commitment clause, statement) pair."""

    clause_owner: list[int]  # commitment index of each clause row
    clauses: list[str]
    signals: dict[str, np.ndarray]  # name -> (clauses, statements)
    concrete: list[bool]

    def logits(self) -> np.ndarray:
        """Logistic fusion, less a penalty for statements that another clause claims more strongly:
        a statement reports mostly on one thing, so a weaker claim on it is mostly topical."""
        total = np.full(next(iter(self.signals.values())).shape, params.BIAS, dtype=np.float64)
        for name, weight in params.WEIGHTS.items():
            total += weight * self.signals[name]
        if total.size:
            total -= params.COMPETITION * (total.max(axis=0, keepdims=True) - total)
        return total

    def item_rows(self) -> dict[int, list[int]]:
        """The clause rows of each commitment (commitments without clauses are absent)."""
        rows: dict[int, list[int]] = {}
        for row, owner in enumerate(self.clause_owner):
            rows.setdefault(owner, []).append(row)
        return rows


def sigmoid(values):
    return 1.0 / (1.0 + np.exp(-values))


def _csls(similarity: np.ndarray, k: int) -> np.ndarray:
    if similarity.size == 0:
        return similarity
    k_rows = min(k, similarity.shape[1])
    k_cols = min(k, similarity.shape[0])
    r_rows = np.mean(-np.partition(-similarity, k_rows - 1, axis=1)[:, :k_rows], axis=1)
    r_cols = np.mean(-np.partition(-similarity, k_cols - 1, axis=0)[:k_cols, :], axis=0)
    return 2 * similarity - r_rows[:, None] - r_cols[None, :]


def _clause_rows(items: list[Item]) -> tuple[list[int], list[str]]:
    """Every clause of every item, with the index of the item it belongs to."""
    owners: list[int] = []
    clauses: list[str] = []
    for index, item in enumerate(items):
        for clause in split_clauses(item.sentence.norm):
            owners.append(index)
            clauses.append(clause)
    return owners, clauses


def signals(commitments: list[Item], statements: list[Item], encode) -> SignalMatrix:
    """Compute all signals. `encode(texts) -> normalised vectors` is the only model access."""
    owners, clauses = _clause_rows(commitments)
    statement_owner, statement_clauses = _clause_rows(statements)
    shape = (len(clauses), len(statements))
    if not clauses or not statements:
        empty = {name: np.zeros(shape) for name in params.WEIGHTS}
        return SignalMatrix(owners, clauses, empty, [True] * len(clauses))

    vectors = encode(clauses + statement_clauses)
    clause_vectors, statement_vectors = vectors[:len(clauses)], vectors[len(clauses):]
    csls_clause = _csls(clause_vectors @ statement_vectors.T, params.CSLS_NEIGHBOURS)
    csls = np.full(shape, -1.0)
    for column, owner in enumerate(statement_owner):
        np.maximum(csls[:, owner], csls_clause[:, column], out=csls[:, owner])

    weights = TermWeights([c.sentence.norm for c in commitments] + [s.sentence.norm for s in statements])
    statement_grams = [ngrams(s.sentence.norm) for s in statements]
    terms = np.zeros(shape)
    rare = np.zeros(shape)
    concrete: list[bool] = []
    floor = params.RARE_IDF_FLOOR * weights.max_idf
    for row, clause in enumerate(clauses):
        grams = ngrams(CONNECTIVES.sub("", clause))
        idf = {g: weights.idf(g) for g in grams}
        bigram_mass = sum(v for g, v in idf.items() if len(g) == 2) or 1.0
        concrete.append(
            bigram_mass >= params.CONCRETE_TERM_MASS * weights.max_idf
            or bool(QUOTED.search(clause)) or bool(re.search(r"\d", clause))
        )
        for column, other in enumerate(statement_grams):
            shared = grams & other
            if not shared:
                continue
            terms[row, column] = sum(idf[g] for g in shared if len(g) == 2) / bigram_mass
            best = max((idf[g] for g in shared if len(g) >= params.RARE_MIN_SIZE), default=0.0)
            if best >= floor:
                rare[row, column] = (best - floor) / (weights.max_idf - floor)
    fuzzy = process.cdist(clauses, [s.sentence.norm for s in statements], scorer=fuzz.partial_ratio,
                          dtype=np.float32) / 100.0
    return SignalMatrix(owners, clauses, {"csls": csls, "terms": terms, "rare": rare, "fuzzy": fuzzy.astype(np.float64)}, concrete)


def commitment_features(rows: list[int], logits: np.ndarray, matrix: SignalMatrix) -> dict[str, float]:
    """What the rating models see of one commitment: its strongest signals over all statements,
    how evenly its clauses are matched, and how many statements support it."""
    if not rows or logits.shape[1] == 0:
        return {name: 0.0 for name in params.FEATURES}
    block = logits[rows]
    clause_best = sigmoid(block.max(axis=1))
    statement_best = block.max(axis=0)
    return {
        "csls": float(matrix.signals["csls"][rows].max()),
        "terms": float(matrix.signals["terms"][rows].max()),
        "rare": float(matrix.signals["rare"][rows].max()),
        "fused": float(statement_best.max()),
        "clause_mean": float(clause_best.mean()),
        "clause_min": float(clause_best.min()),
        "support": float(np.log1p((statement_best >= params.SUPPORT_LOGIT).sum())),
        "clauses": float(np.log(len(rows))),
    }


def repeats(commitments: list[Item], next_plan: list[Item], matrix: SignalMatrix) -> list[Evidence | None]:
    """Per commitment, the next plan's commitment that promises the same thing again (carried
    over), when their fused logit reaches params.CARRIED_LOGIT; `matrix` is signals(commitments,
    next_plan)."""
    logits = matrix.logits()
    rows_of = matrix.item_rows()
    result: list[Evidence | None] = []
    for index in range(len(commitments)):
        best = logits[rows_of[index]].max(axis=0) if index in rows_of and next_plan else None
        if best is None or best.max() < params.CARRIED_LOGIT:
            result.append(None)
            continue
        column = int(np.argmax(best))
        result.append(Evidence(statement=next_plan[column], score=float(sigmoid(best[column])), signals={}))
    return result


def candidates(commitments: list[Item], statements: list[Item], matrix: SignalMatrix,
               repeated: list[Evidence | None] | None = None) -> list[Candidates]:
    """Per commitment: candidate evidence (strongest first, above the listing threshold), the
    clauses each one covers, the commitment-level features for rating, and its repeat in the next
    plan (see `repeats`)."""
    logits = matrix.logits()
    fused = sigmoid(logits)
    result: list[Candidates] = []
    rows_of = matrix.item_rows()
    for index, item in enumerate(commitments):
        rows = rows_of.get(index, [])
        scores = fused[rows] if rows else np.zeros((0, len(statements)))
        best = scores.max(axis=0) if len(rows) else np.zeros(len(statements))
        order = np.argsort(-best, kind="stable")
        evidence = []
        for column in order[: params.SENTENCE_EVIDENCE_LIMIT]:
            if best[column] < params.LIST_THRESHOLD:
                break
            best_row = rows[int(np.argmax(scores[:, column]))]
            evidence.append(
                Evidence(
                    statement=statements[column],
                    score=float(best[column]),
                    signals={name: float(matrix.signals[name][best_row, column]) for name in params.WEIGHTS},
                    clauses=[k for k, row in enumerate(rows) if fused[row, column] >= params.COVER_THRESHOLD],
                )
            )
        result.append(Candidates(item, [matrix.clauses[r] for r in rows], [matrix.concrete[r] for r in rows],
                                 evidence, commitment_features(rows, logits, matrix),
                                 repeated[index] if repeated else None))
    return result
