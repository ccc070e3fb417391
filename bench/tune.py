"""Grid over the evidence threshold on both gold files (see tracker/params.py for the record).

Usage: python bench/tune.py [threshold ...]
"""
from __future__ import annotations

import itertools
import os
import sys
import tempfile
from pathlib import Path

from tracker import evaluate, params, pipeline
from tracker.encoder import Encoder
from tracker.model import Options
from tracker.render import jsonout, write_atomic

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PAIRS = {
    "seed": (ROOT / "seeds/yuexiu-2021-review-2022-plan.txt", ROOT / "seeds/yuexiu-2022-review-2023-plan.txt",
             SHARED / "eval/gold_seed.json"),
    "national": (SHARED / "corpus/national-gwr/2021.txt", SHARED / "corpus/national-gwr/2022.txt",
                 SHARED / "eval/gold_national_2021.json"),
}


def main() -> None:
    thresholds = [float(t) for t in sys.argv[1:]] or [params.EVIDENCE_THRESHOLD]
    competition = [float(c) for c in os.environ.get("COMPETITION", str(params.COMPETITION)).split(",")]
    cover = [float(c) for c in os.environ.get("COVER", str(params.COVER_THRESHOLD)).split(",")]
    options = Options()
    encoder = Encoder(options.model, log=lambda *_: None)
    extractions = {name: (pipeline.read_report(p), pipeline.read_report(e), g) for name, (p, e, g) in PAIRS.items()}
    with tempfile.TemporaryDirectory() as folder:
        for threshold, penalty, covering in itertools.product(thresholds, competition, cover):
            params.EVIDENCE_THRESHOLD, params.COMPETITION, params.COVER_THRESHOLD = threshold, penalty, covering
            row = [f"threshold {threshold:.3f} competition {penalty:.2f} cover {covering:.2f}"]
            for name, (plan, execution, gold) in extractions.items():
                audit = pipeline.audit_pair(plan, execution, options, encoder)
                path = write_atomic(Path(folder) / f"{name}.json", jsonout.dumps(jsonout.audit_document(audit)))
                s = evaluate.score(path, gold)
                row.append(f"{name}: kappa {s.kappa:.3f} acc {s.accuracy:.3f} macroF1 {s.macro_f1:.3f} "
                           f"missF1 {s.f1['missing']:.3f} P@1 {s.precision_at_1:.3f}")
            print(" | ".join(row), flush=True)


if __name__ == "__main__":
    main()
