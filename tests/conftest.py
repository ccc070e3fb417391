from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PLAN_2022 = SEEDS / "yuexiu-2021-review-2022-plan.txt"
EXEC_2022 = SEEDS / "yuexiu-2022-review-2023-plan.txt"
# The corpus and the golds are the project's data (data/README.md), so no test depends on what
# lies beside the checkout.
CORPUS = ROOT / "data" / "corpus"
GOLD_SEED = ROOT / "data" / "gold" / "gold_seed.json"
GOLD_NATIONAL = ROOT / "data" / "gold" / "gold_national_2021.json"


def by_prefix(audit, prefix):
    """The verdict on the commitment whose text starts with `prefix`."""
    return next(v for v in audit.verdicts if v.commitment.sentence.norm.startswith(prefix))


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not beside the checkout")
    return path


@pytest.fixture(scope="session")
def encoder(tmp_path_factory):
    """The real m3e-small model, with a throwaway embedding cache."""
    from tracker.encoder import Encoder

    return Encoder("m3e-small", tmp_path_factory.mktemp("cache"), log=lambda *_: None)


@pytest.fixture(scope="session")
def seed_audit(encoder):
    from tracker import pipeline
    from tracker.model import Options

    return pipeline.audit(PLAN_2022, EXEC_2022, Options(), encoder)


@pytest.fixture(scope="session")
def national_audit(encoder):
    """The second genre: State Council 2021 plan against the 2022 review."""
    from tracker import pipeline
    from tracker.model import Options

    return pipeline.audit(need(CORPUS / "national-gwr" / "2021.txt"), need(CORPUS / "national-gwr" / "2022.txt"),
                          Options(), encoder)
