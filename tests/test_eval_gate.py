"""Fails CI when agreement with the seed gold drops below pinned floors (trafilatura's habit).

The floors sit a little under the figures measured when they were last raised (see the closing
notes of the issues); raise them as the engine improves, never lower them to make a change pass.
"""
import pytest

from tracker import evaluate
from tracker.render import jsonout, write_atomic

from .conftest import GOLD_NATIONAL, GOLD_SEED, need

FLOORS = {"kappa": 0.40, "missing_f1": 0.70, "precision_at_1": 0.85, "coverage": 1.0, "carried_accuracy": 0.65}
# The second genre, so that a change fitted to the seed cannot pass by hurting the other.
NATIONAL_FLOORS = {"kappa": 0.52, "missing_f1": 0.80, "precision_at_1": 0.88, "coverage": 0.98, "carried_accuracy": 0.78}


def test_seed_agreement_floors(seed_audit, tmp_path):
    _check(seed_audit, GOLD_SEED, FLOORS, tmp_path)


def test_national_agreement_floors(national_audit, tmp_path):
    _check(national_audit, GOLD_NATIONAL, NATIONAL_FLOORS, tmp_path)


def _check(audit, gold, floors, tmp_path):
    path = write_atomic(tmp_path / "audit.json", jsonout.dumps(jsonout.audit_document(audit)))
    scores = evaluate.score(path, need(gold))
    assert scores.aligned / scores.gold_total >= floors["coverage"]
    assert scores.kappa >= floors["kappa"]
    assert scores.f1["missing"] >= floors["missing_f1"]
    assert scores.precision_at_1 >= floors["precision_at_1"]
    assert scores.carried  # the gold labels carried_over for most commitments
    assert scores.carried_accuracy >= floors["carried_accuracy"]


def test_eval_cli_exit_codes(seed_audit, tmp_path):
    from click.testing import CliRunner

    from tracker.cli import cli

    path = write_atomic(tmp_path / "audit.json", jsonout.dumps(jsonout.audit_document(seed_audit)))
    ok = CliRunner().invoke(cli, ["eval", str(path), str(need(GOLD_SEED)), "--quiet", "--min-kappa", "0.1"])
    assert ok.exit_code == 0 and "kappa" in ok.output.splitlines()[-1]
    low = CliRunner().invoke(cli, ["eval", str(path), str(need(GOLD_SEED)), "--quiet", "--min-kappa", "0.99"])
    assert low.exit_code == 1
