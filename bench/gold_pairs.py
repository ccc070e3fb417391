"""The two report pairs that have gold labels, shared by the tuning and fitting scripts."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PAIRS = {
    "seed": (ROOT / "seeds/yuexiu-2021-review-2022-plan.txt", ROOT / "seeds/yuexiu-2022-review-2023-plan.txt",
             SHARED / "eval/gold_seed.json"),
    "national": (SHARED / "corpus/national-gwr/2021.txt", SHARED / "corpus/national-gwr/2022.txt",
                 SHARED / "eval/gold_national_2021.json"),
}
