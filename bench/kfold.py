"""Honest figures: every labelled pair audited with the fold judge that did not train on it.

The folds (tracker/learn/train.py FOLDS): the seed gold alone, the national gold alone, and the
fourteen training pairs in three mixed groups; `make judge` writes models/judge/without-<fold>.json.gz.
Prints one eval line per pair and the means (all pairs; the fourteen training pairs), and how many
of the readers' non-commitments, and of their commitments, the judge flags as maybe no commitment.

Usage: python bench/kfold.py [--pairs NAME,NAME] [NAME=v1,v2 …]
  NAME=… overrides a number in tracker/params.py over a grid (e.g. LIST_THRESHOLD=0.4,0.5), the
  way the thresholds there were chosen: on the training pairs' means, the golds only checked.
"""
from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

from tracker import evaluate, params, pipeline
from tracker.encoder import Encoder
from tracker.judge import JUDGE_SUFFIX, Judge
from tracker.learn import dataset
from tracker.learn.train import FOLDS
from tracker.model import Options
from tracker.render import jsonout, write_atomic

ROOT = Path(__file__).resolve().parent.parent


def fold_of(name: str) -> str:
    return next(fold for fold, names in FOLDS.items() if name in names)


def main() -> None:
    grid, only = {}, None
    for argument in sys.argv[1:]:
        if argument.startswith("--pairs="):
            only = argument.split("=", 1)[1].split(",")
            continue
        name, _, values = argument.partition("=")
        grid[name] = [float(v) for v in values.split(",")]
    pairs = {name: spec for name, spec in dataset.labelled_pairs().items() if not only or name in only}
    options = Options()
    encoder = Encoder(options.model, log=lambda *_: None)
    judges = {fold: Judge.load(ROOT / "models/judge" / f"without-{fold}{JUDGE_SUFFIX}") for fold in FOLDS}
    labelled = {name: dataset.load_pair(name, *spec) for name, spec in pairs.items()}
    asides = {name: {u.index: u.status == "not_a_commitment" for u in pair.units} for name, pair in labelled.items()}
    with tempfile.TemporaryDirectory() as folder:
        for values in itertools.product(*grid.values()):
            for name, value in zip(grid, values):
                setattr(params, name, value)
            print(" ".join(f"{n}={v}" for n, v in zip(grid, values)) or "current parameters", flush=True)
            kappas = {}
            flagged = {True: [0, 0], False: [0, 0]}  # readers' non-commitment? -> [flagged, all]
            for name, pair in labelled.items():
                audit = pipeline.audit_pair(pair.plan, pair.execution, options, encoder, judges[fold_of(name)])
                for index, aside in asides[name].items():
                    flagged[aside][0] += audit.verdicts[index].likely_aside
                    flagged[aside][1] += 1
                path = write_atomic(Path(folder) / f"{name}.json", jsonout.dumps(jsonout.audit_document(audit)))
                s = evaluate.score(path, ROOT / pairs[name][2])
                kappas[name] = s.kappa
                print(f"  {name:15} kappa {s.kappa:.3f} acc {s.accuracy:.3f} macro-F1 {s.macro_f1:.3f} "
                      f"missing-F1 {s.f1['missing']:.3f} P@1 {s.precision_at_1:.3f} R@3 {s.recall_at_3:.3f}", flush=True)
            training = [k for n, k in kappas.items() if n not in dataset.GOLD_PAIRS]
            print(f"  mean kappa {sum(kappas.values()) / len(kappas):.3f} over {len(kappas)} pairs"
                  + (f"; {sum(training) / len(training):.3f} over the {len(training)} training pairs" if training else ""),
                  flush=True)
            print(f"  maybe not a commitment: {flagged[True][0]} of the readers' {flagged[True][1]} non-commitments, "
                  f"{flagged[False][0]} of their {flagged[False][1]} commitments", flush=True)


if __name__ == "__main__":
    main()
