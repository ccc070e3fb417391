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
from difflib import SequenceMatcher
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz, process

from . import params
from .model import Candidates, Evidence, Item

CLAUSE_SPLIT = re.compile(r"[，；：,;:]")
NON_WORD = re.compile(r"[^\w]|_")
QUOTED = re.compile(r"[“《]([^”》]{2,30})[”》]")
# The signals of a (clause, statement) pair: the four fused ones (params.WEIGHTS), raw cosine, the
# IDF-weighted share of the clause's distinctive trigrams found in the statement, and the share of
# the statement's term mass found in the clause (a statement about much else is weaker evidence).
# plain_cosine: the cosine under m3e-small as it ships, beside the judge's tuned encoder (`cosine`):
# the two disagree where tuning learned a paraphrase, or where it drifted to the topic.
# whole_cosine: the tuned cosine of the whole commitment and the whole statement (each the mean of its
# clauses' vectors), the gist an abstract commitment (稳定现有就业) shares with a report of what was
# done, which no single clause carries.
SIGNALS = tuple(params.WEIGHTS) + ("cosine", "rare_cover", "reverse", "plain_cosine", "whole_cosine")
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
    """IDF of character n-grams over the sentences of both sides: rare terms decide.

    Sums over sets of n-grams use math.fsum: a plain sum depends on the set's order, which changes
    from run to run with Python's string hashing, and so would the last bits of every score."""

    def __init__(self, documents: list[str]):
        self.documents = len(documents) or 1
        self.df: Counter[str] = Counter()
        for document in documents:
            self.df.update(ngrams(document))
        self.max_idf = math.log(self.documents + 1)

    def idf(self, gram: str) -> float:
        return math.log((self.documents + 1) / (self.df.get(gram, 0) + 1))

    def mass(self, grams: set[str]) -> float:
        return math.fsum(self.idf(g) for g in grams if len(g) == 2)


@dataclass
class SignalMatrix:
    """Each signal for every (commitment clause, statement) pair."""

    clause_owner: list[int]  # commitment index of each clause row
    clauses: list[str]
    signals: dict[str, np.ndarray]  # name -> (clauses, statements)

    @cached_property
    def logits(self) -> np.ndarray:
        """Logistic fusion, less a penalty for statements that another clause claims more strongly:
        a statement reports mostly on one thing, so a weaker claim on it is mostly topical. Computed
        once: pair_blocks and candidates both read it."""
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


def signals(commitments: list[Item], statements: list[Item], encode, plain_encode=None) -> SignalMatrix:
    """Compute all signals. `encode(texts) -> normalised vectors` is the only model access;
    `plain_encode`, the untuned encoder (default: `encode` itself), gives plain_cosine."""
    owners, clauses = _clause_rows(commitments)
    statement_owner, statement_clauses = _clause_rows(statements)
    shape = (len(clauses), len(statements))
    if not clauses or not statements:
        empty = {name: np.zeros(shape) for name in SIGNALS}
        return SignalMatrix(owners, clauses, empty)

    clause_vectors, statement_vectors = _encode_sides(encode, clauses, statement_clauses)
    similarity = clause_vectors @ statement_vectors.T
    if plain_encode in (None, encode):
        plain = similarity
    else:
        plain_clauses, plain_statements = _encode_sides(plain_encode, clauses, statement_clauses)
        plain = plain_clauses @ plain_statements.T
    whole = (_mean_vectors(clause_vectors, owners, len(commitments))
             @ _mean_vectors(statement_vectors, statement_owner, len(statements)).T)
    csls_clause = _csls(similarity, params.CSLS_NEIGHBOURS)
    csls, cosine, plain_cosine = (np.full(shape, -1.0) for _ in range(3))
    for column, owner in enumerate(statement_owner):
        np.maximum(csls[:, owner], csls_clause[:, column], out=csls[:, owner])
        np.maximum(cosine[:, owner], similarity[:, column], out=cosine[:, owner])
        np.maximum(plain_cosine[:, owner], plain[:, column], out=plain_cosine[:, owner])

    weights = TermWeights([c.sentence.norm for c in commitments] + [s.sentence.norm for s in statements])
    statement_grams = [ngrams(s.sentence.norm) for s in statements]
    statement_mass = [weights.mass(grams) or 1.0 for grams in statement_grams]
    terms, rare, rare_cover, reverse = (np.zeros(shape) for _ in range(4))
    floor = params.RARE_IDF_FLOOR * weights.max_idf
    for row, clause in enumerate(clauses):
        grams = ngrams(CONNECTIVES.sub("", clause))
        idf = {g: weights.idf(g) for g in grams}
        bigram_mass = math.fsum(v for g, v in idf.items() if len(g) == 2) or 1.0
        distinctive = {g: v for g, v in idf.items() if len(g) == params.RARE_MIN_SIZE and v >= floor}
        distinctive_mass = math.fsum(distinctive.values())
        for column, other in enumerate(statement_grams):
            shared = grams & other
            if not shared:
                continue
            shared_mass = math.fsum(idf[g] for g in shared if len(g) == 2)
            terms[row, column] = shared_mass / bigram_mass
            reverse[row, column] = shared_mass / statement_mass[column]
            if distinctive_mass:
                rare_cover[row, column] = math.fsum(distinctive[g] for g in shared if g in distinctive) / distinctive_mass
            best = max((idf[g] for g in shared if len(g) >= params.RARE_MIN_SIZE), default=0.0)
            if best >= floor:
                rare[row, column] = (best - floor) / (weights.max_idf - floor)
    fuzzy = process.cdist(clauses, [s.sentence.norm for s in statements], scorer=fuzz.partial_ratio,
                          dtype=np.float32) / 100.0
    return SignalMatrix(owners, clauses, {"csls": csls, "terms": terms, "rare": rare, "fuzzy": fuzzy.astype(np.float64),
                                          "cosine": cosine, "rare_cover": rare_cover, "reverse": reverse,
                                          "plain_cosine": plain_cosine, "whole_cosine": whole[owners]})


def _mean_vectors(vectors: np.ndarray, owners: list[int], count: int) -> np.ndarray:
    """Each sentence's gist: the normalised mean of its clauses' vectors (no second encoding pass)."""
    total = np.zeros((count, vectors.shape[1]))
    np.add.at(total, owners, vectors)
    return total / np.maximum(np.linalg.norm(total, axis=1, keepdims=True), 1e-12)


def _encode_sides(encode, clauses: list[str], statement_clauses: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Both sides' clause vectors from one encode call (one batch, one pass over the cache)."""
    vectors = encode(clauses + statement_clauses)
    return vectors[:len(clauses)], vectors[len(clauses):]


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
        "whole": float(matrix.signals["whole_cosine"][rows].max()),
        "cosine": float(matrix.signals["cosine"][rows].max()),
    }


def repeats(commitments: list[Item], next_plan: list[Item], matrix: SignalMatrix) -> list[Evidence | None]:
    """Per commitment, the next plan's commitment that promises the same thing again (carried
    over), when their fused logit reaches params.CARRIED_LOGIT; `matrix` is signals(commitments,
    next_plan)."""
    logits = matrix.logits
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


# What the judge's evidence model reads of one (commitment clause, statement) pair.
PAIR_FEATURES = (
    *SIGNALS,
    "logit", "row_rank", "row_gap",  # fused score; the statement's rank and gap among the clause's candidates
    "col_rank", "col_gap",  # the clause's rank and gap among all clauses claiming this statement
    "item_logit", "item_rank", "item_col_rank", "item_col_gap",  # the same at the commitment's level
    "clause_chars", "statement_chars", "clauses",
    "common_run", "common_share",  # longest run of characters both share: a shared name
    "shared_number", "quoted_hit", "quoted_miss",  # a figure both name; a quoted name found / not found
)
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class PairBlock:
    """One commitment's (clause, statement) pairs: its clause rows × its candidate statements."""

    rows: list[int]  # rows of the SignalMatrix
    columns: list[int]  # statement indices, the commitment's strongest candidates first
    features: np.ndarray  # (len(rows) * len(columns), len(PAIR_FEATURES)), clause-major


def _ranks(values: np.ndarray, axis: int) -> np.ndarray:
    """0 for the largest value along `axis`, 1 for the next…"""
    order = np.argsort(-values, axis=axis, kind="stable")
    return np.argsort(order, axis=axis, kind="stable")


def _common_run(a: str, b: str) -> int:
    if not a or not b:
        return 0
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def pair_blocks(commitments: list[Item], statements: list[Item], matrix: SignalMatrix) -> list[PairBlock]:
    """The judge's input: for each commitment, its params.CANDIDATE_LIMIT strongest statements by
    fused score, and the features of every (clause, candidate) pair."""
    logits = matrix.logits
    rows_of = matrix.item_rows()
    if not statements or not matrix.clauses:
        return [PairBlock(rows_of.get(i, []), [], np.zeros((0, len(PAIR_FEATURES)))) for i in range(len(commitments))]
    row_rank, col_rank = np.log1p(_ranks(logits, 1)), np.log1p(_ranks(logits, 0))
    row_gap = logits.max(axis=1, keepdims=True) - logits
    col_gap = logits.max(axis=0, keepdims=True) - logits
    item_logits = np.full((len(commitments), len(statements)), -50.0)
    for index, rows in rows_of.items():
        item_logits[index] = logits[rows].max(axis=0)
    item_col_rank = np.log1p(_ranks(item_logits, 0))
    item_col_gap = item_logits.max(axis=0, keepdims=True) - item_logits
    statement_keys = [NON_WORD.sub("", s.sentence.norm) for s in statements]
    statement_numbers = [set(NUMBER.findall(s.sentence.norm)) for s in statements]
    blocks = []
    for index in range(len(commitments)):
        rows = rows_of.get(index, [])
        if not rows:
            blocks.append(PairBlock([], [], np.zeros((0, len(PAIR_FEATURES)))))
            continue
        item_logit = item_logits[index]
        item_rank = np.log1p(_ranks(item_logit, 0))
        columns = [int(c) for c in np.argsort(-item_logit, kind="stable")[: params.CANDIDATE_LIMIT]]
        features = []
        for row in rows:
            clause = matrix.clauses[row]
            key = NON_WORD.sub("", clause)
            numbers = set(NUMBER.findall(clause))
            names = QUOTED.findall(clause)
            for column in columns:
                run = _common_run(key, statement_keys[column])
                hits = sum(name in statements[column].sentence.norm for name in names)
                features.append((
                    *(matrix.signals[name][row, column] for name in SIGNALS),
                    logits[row, column], row_rank[row, column], row_gap[row, column],
                    col_rank[row, column], col_gap[row, column],
                    item_logit[column], item_rank[column], item_col_rank[index, column], item_col_gap[index, column],
                    math.log1p(len(key)), math.log1p(len(statement_keys[column])),
                    math.log(len(rows)),
                    run, run / max(len(key), 1),
                    float(bool(numbers & statement_numbers[column])), float(hits > 0), float(bool(names) and not hits),
                ))
        blocks.append(PairBlock(rows, columns, np.asarray(features, dtype=np.float64)))
    return blocks


def score_blocks(blocks: list[PairBlock], score) -> list[np.ndarray]:
    """`score(features) -> probabilities` over every block's rows in one call (one pass over a
    judge's trees), split back per block."""
    sizes = [len(block.features) for block in blocks]
    if not sum(sizes):
        return [np.zeros(size) for size in sizes]
    return np.split(score(np.vstack([block.features for block in blocks])), np.cumsum(sizes)[:-1])


def candidates(commitments: list[Item], statements: list[Item], matrix: SignalMatrix, blocks: list[PairBlock],
               probabilities: list[np.ndarray], concrete: list[bool],
               repeated: list[Evidence | None] | None = None) -> list[Candidates]:
    """Per commitment: the statements the judge read with its P(evidence) for each clause, the
    listed evidence (strongest first, P at least params.LIST_THRESHOLD), the commitment-level
    signal features, and its repeat in the next plan (see `repeats`).
    `probabilities[i]` is the judge's P(evidence) for the rows of `blocks[i]` (see pair_blocks);
    `concrete[row]` says whether the judge reads clause `row` as a checkable part, not framing."""
    logits = matrix.logits
    rows_of = matrix.item_rows()
    result: list[Candidates] = []
    for index, (item, block, flat) in enumerate(zip(commitments, blocks, probabilities)):
        rows = block.rows
        shape = (len(rows), len(block.columns))
        probability = np.asarray(flat, dtype=np.float64).reshape(shape)
        best = probability.max(axis=0) if rows else np.zeros(len(block.columns))
        order = np.argsort(-best, kind="stable")
        read = [statements[block.columns[k]] for k in order]
        probability = probability[:, order]
        evidence = []
        for k, column in enumerate(block.columns[o] for o in order[: params.SENTENCE_EVIDENCE_LIMIT]):
            if probability[:, k].max() < params.LIST_THRESHOLD:
                break
            best_row = rows[int(np.argmax(probability[:, k]))]
            evidence.append(Evidence(
                statement=statements[column],
                score=float(probability[:, k].max()),
                signals={name: float(matrix.signals[name][best_row, column]) for name in params.WEIGHTS},
            ))
        result.append(Candidates(item, [matrix.clauses[r] for r in rows], [concrete[r] for r in rows],
                                 evidence, commitment_features(rows_of.get(index, []), logits, matrix),
                                 repeated[index] if repeated else None, read, probability))
    return result
