"""Score the current parameters on both gold files, optionally over a grid of overrides.

Usage: python bench/tune.py [NAME=v1,v2,… ...]   e.g. LIST_THRESHOLD=0.5,0.7 COVER_THRESHOLD=0.6,0.8
The thresholds in tracker/params.py were chosen with it (and bench/fit_rating.py for the models).
"""
from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

from tracker import evaluate, params, pipeline
from tracker.encoder import Encoder

from gold_pairs import PAIRS
from tracker.model import Options
from tracker.render import jsonout, write_atomic



def main() -> None:
    grid = {}
    for argument in sys.argv[1:]:
        name, _, values = argument.partition("=")
        grid[name] = [float(v) for v in values.split(",")]
    options = Options()
    encoder = Encoder(options.model, log=lambda *_: None)
    extractions = {name: (pipeline.read_report(p), pipeline.read_report(e), g) for name, (p, e, g) in PAIRS.items()}
    with tempfile.TemporaryDirectory() as folder:
        for values in itertools.product(*grid.values()):
            for name, value in zip(grid, values):
                setattr(params, name, value)
            row = [" ".join(f"{n}={v}" for n, v in zip(grid, values)) or "current"]
            for name, (plan, execution, gold) in extractions.items():
                audit = pipeline.audit_pair(plan, execution, options, encoder)
                path = write_atomic(Path(folder) / f"{name}.json", jsonout.dumps(jsonout.audit_document(audit)))
                s = evaluate.score(path, gold)
                row.append(f"{name}: kappa {s.kappa:.3f} acc {s.accuracy:.3f} macroF1 {s.macro_f1:.3f} "
                           f"missF1 {s.f1['missing']:.3f} P@1 {s.precision_at_1:.3f} R@3 {s.recall_at_3:.3f}")
            print(" | ".join(row), flush=True)


if __name__ == "__main__":
    main()
