"""The pipeline: ingest → structure → extract → match → rate, for one report or a pair."""
from __future__ import annotations

from pathlib import Path

from . import ingest, match, rate, structure
from .encoder import Encoder
from .judge import Judge
from .errors import StructureError
from .extract import extract
from .model import Audit, Extraction, Options


def read_report(path: str | Path) -> Extraction:
    return extract(structure.parse(ingest.read(path)))


def check_pair(plan: Extraction, execution: Extraction) -> int:
    """The plan of year N must meet a review of year N in the second report."""
    first, second = plan.report, execution.report
    if first.plan_year is None or not plan.commitments:
        raise StructureError(f"{first.path}: no plan section with commitments found")
    if second.review_year is None or not execution.statements:
        raise StructureError(f"{second.path}: no review section with statements found")
    if second.review_year != first.plan_year:
        order = " (the reports look reversed: give the earlier report first)" if second.plan_year == first.review_year else ""
        raise StructureError(
            f"{second.path}: reviews {second.review_year}, but {first.path} plans {first.plan_year}; "
            f"the second report must review the first one's plan year{order}"
        )
    return first.plan_year


def load_judge(options: Options) -> Judge:
    return Judge.load(options.judge, match.PAIR_FEATURES, rate.CLAUSE_FEATURES, rate.STATUS_FEATURES)


def audit_pair(plan: Extraction, execution: Extraction, options: Options, encoder: Encoder, judge: Judge) -> Audit:
    year = check_pair(plan, execution)
    encode = encoder.tuned(judge.adapters).encode  # the judge learned on its own encoder's signals
    matrix = match.signals(plan.commitments, execution.statements, encode, encoder.encode)
    next_plan = match.signals(plan.commitments, execution.commitments, encode)
    repeated = match.repeats(plan.commitments, execution.commitments, next_plan)
    blocks = match.pair_blocks(plan.commitments, execution.statements, matrix)
    found = match.candidates(plan.commitments, execution.statements, matrix, blocks, match.score_blocks(blocks, judge.evidence),
                             judge.concrete(matrix.clauses), repeated)
    return Audit(plan.report, execution.report, year, options.model, rate.rate_all(found, judge), judge.name)


def audit(plan_path: str | Path, execution_path: str | Path, options: Options, encoder: Encoder | None = None,
          judge: Judge | None = None) -> Audit:
    encoder = encoder or Encoder(options.model, options.cache_dir, backend=options.backend)
    return audit_pair(read_report(plan_path), read_report(execution_path), options, encoder, judge or load_judge(options))
