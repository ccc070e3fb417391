"""Fails CI when agreement with labelled pairs drops below pinned floors (trafilatura's habit).

Every figure here is honest: a labelled pair is rated by the fold judge that did not train on it
(models/judge/without-<fold>.json.gz, the folds of tracker/learn/train.py), as bench/kfold.py does.
The floors sit a little under the figures measured when they were last raised (see the closing
notes of the issues); raise them as the engine improves, never lower them to make a change pass.

Until the learned judge (issue #12) the seed and national floors were measured with rating models
fitted on those same two gold files (seed kappa 0.436, national 0.575 in-sample); the fold judges
measure seed 0.344 and national 0.528 without having seen them, and the mean over all sixteen
labelled pairs rose from about 0.42 (the old models' features, refitted out of fold) to 0.466.
The extraction fixes of issue #10 (bare chapter headings, target lists, 分别, look-backs in the
plan, admitted misses, a delivery promised in a short opening sentence) moved them to seed
0.327, national 0.519 and mean 0.456: one more commitment in one training pair moved the seed by
0.04 (three of its 85 verdicts), which is how noisy a single pair's figure is. Averaging five
status models (tracker/learn/train.py STATUS_BAG) then gave seed 0.365, national 0.518, mean 0.466.
The encoder tuned on the readers' evidence (tracker/learn/tune.py, two adapters per judge, the
plain cosine kept as a feature, LIST_THRESHOLD 0.35) gave seed 0.483 (P@1 0.919), national 0.569
(P@1 0.947), mean 0.477; the floors rose with it. The part model (each clause read done, under way
or not reported, as readers rate a commitment's parts) and the whole sentences' cosine gave seed
0.464 (P@1 0.946, missing-F1 0.785), national 0.567 (P@1 0.949), mean 0.483 (training pairs 0.470
-> 0.479); with it a lower listing threshold won on the training pairs (LIST_THRESHOLD 0.35 -> 0.25:
0.482 -> 0.493), giving seed 0.483 (P@1 0.923, missing-F1 0.789), national 0.584 (P@1 0.939), mean
0.496 (training pairs 0.491). The seed's missing-F1 and P@1 floors, the national kappa floor and
the mean's rose. Merging the encoder adapters reproducibly (float64, fixed order: a change in the
last bits only) gave national 0.555, under its floor, and the seed unchanged: a change that small
moves one pair by up to 0.04. The status model reading how near the review comes to the
commitment's topic then gave seed 0.483, national 0.562 (P@1 0.938), mean 0.495 (training pairs
0.491). Reading ranges ("增长6%－6.5%"), look-backs' starting figures and 降幅 right (issue #12,
session 10) gave seed 0.462 (one verdict of 85 moved by the retrained status model), national 0.561,
mean 0.495 (training pairs 0.493); a lone target whose indicator the review never names rated
missing then gave seed 0.481 (missing-F1 0.805), mean 0.497, and counting a clause as framing from
P(framing) 0.25 instead of 0.5 gave seed 0.500 (missing-F1 0.789, P@1 0.923), national 0.582
(P@1 0.938), mean 0.507 (training pairs 0.502). The seed, national and mean kappa floors rose.
"""
import pytest

from tracker import evaluate, pipeline
from tracker.judge import DEFAULT_JUDGE, JUDGE_SUFFIX, Judge
from tracker.learn import dataset
from tracker.learn.train import FOLDS
from tracker.model import Options
from tracker.render import jsonout, write_atomic

from .conftest import GOLD_NATIONAL, GOLD_SEED, need

SEED_FLOORS = {"kappa": 0.46, "missing_f1": 0.76, "precision_at_1": 0.92, "coverage": 1.0, "carried_accuracy": 0.70}
# The second genre, so that a change fitted to the seed cannot pass by hurting the other.
NATIONAL_FLOORS = {"kappa": 0.57, "missing_f1": 0.82, "precision_at_1": 0.92, "coverage": 0.98, "carried_accuracy": 0.80}
MEAN_KAPPA_FLOOR = 0.49  # over all sixteen labelled pairs


def fold_judge(pair: str) -> Judge:
    fold = next(name for name, pairs in FOLDS.items() if pair in pairs)
    return Judge.load(DEFAULT_JUDGE.parent / f"without-{fold}{JUDGE_SUFFIX}")


def honest_scores(pair: str, encoder, tmp_path, labels=None) -> evaluate.Scores:
    plan, execution, gold, _ = dataset.labelled_pairs()[pair]
    audit = pipeline.audit(dataset.ROOT / plan, dataset.ROOT / execution, Options(), encoder, fold_judge(pair))
    path = write_atomic(tmp_path / f"{pair}.json", jsonout.dumps(jsonout.audit_document(audit)))
    return evaluate.score(path, labels or dataset.ROOT / gold)


@pytest.mark.parametrize("pair, gold, floors", [("seed_2022", GOLD_SEED, SEED_FLOORS),
                                                ("national_2021", GOLD_NATIONAL, NATIONAL_FLOORS)])
def test_gold_agreement_floors(pair, gold, floors, encoder, tmp_path):
    scores = honest_scores(pair, encoder, tmp_path, need(gold))
    assert scores.aligned / scores.gold_total >= floors["coverage"]
    assert scores.kappa >= floors["kappa"]
    assert scores.f1["missing"] >= floors["missing_f1"]
    assert scores.precision_at_1 >= floors["precision_at_1"]
    assert scores.carried  # the gold labels carried_over for most commitments
    assert scores.carried_accuracy >= floors["carried_accuracy"]


def test_mean_kappa_over_every_labelled_pair(encoder, tmp_path):
    kappas = {pair: honest_scores(pair, encoder, tmp_path).kappa for pair in dataset.labelled_pairs()}
    assert len(kappas) == 16
    assert sum(kappas.values()) / len(kappas) >= MEAN_KAPPA_FLOOR, kappas


def test_eval_cli_exit_codes(seed_audit, tmp_path):
    from click.testing import CliRunner

    from tracker.cli import cli

    path = write_atomic(tmp_path / "audit.json", jsonout.dumps(jsonout.audit_document(seed_audit)))
    ok = CliRunner().invoke(cli, ["eval", str(path), str(need(GOLD_SEED)), "--quiet", "--min-kappa", "0.1"])
    assert ok.exit_code == 0 and "kappa" in ok.output.splitlines()[-1]
    low = CliRunner().invoke(cli, ["eval", str(path), str(need(GOLD_SEED)), "--quiet", "--min-kappa", "0.99"])
    assert low.exit_code == 1
