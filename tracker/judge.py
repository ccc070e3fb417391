"""The learned judge, behind one small interface (like the encoder): the decisions readers make.

  evidence(pair features) -> P(this statement reports on this clause of the commitment: the same
      named project, programme, figure or action, not merely the same topic)
  parts(clause features) -> P(done), P(progress), P(none) of each clause: the readers' verdict on
      a commitment's concrete parts, the way they decide between fulfilled and partial
  status(commitment features, the parts' reading among them) -> P(fulfilled), P(partial), P(missing)
  concrete(clauses) -> is each clause a checkable part, not framing (purpose, slogan)?
  aside(sentences) -> P(readers would call this plan sentence no commitment at all: a topic lead,
      a call on other bodies, a look back)
and, beside them, the encoder the judge's features were computed with (`adapters`: LoRA adapters
on m3e-small tuned on either half of the judge's pairs, tracker/learn/tune.py): the audit encodes
with their mean merged in.

The first three are gradient-boosted tree ensembles, the last two logistic models on character 1–2
grams; all are trained on the labelled report pairs under data/ by
`python -m tracker.learn.train` (training code lives apart from the audit path), stored as a small
gzipped JSON file of trees (models/judge/) and evaluated here with numpy alone, so an audit needs
neither scikit-learn nor torch. The features are computed by the match and rate stages
(match.PAIR_FEATURES, rate.CLAUSE_FEATURES, rate.STATUS_FEATURES); a judge file names the features it was trained on and
is refused when they differ.
"""
from __future__ import annotations

import gzip
import json
import math
import zlib
from pathlib import Path

import numpy as np

from . import params
from .errors import ModelError

JUDGE_FORMAT = "tracker-judge/2"  # 2: with the part model
DEFAULT_JUDGE = Path(__file__).resolve().parent.parent / "models" / "judge" / "judge.json.gz"
JUDGE_SUFFIX = ".json.gz"


class TreeEnsemble:
    """Sum of regression trees plus a baseline: raw scores, one column per class (one for binary).

    Each tree is a set of parallel node arrays: feature, threshold, left, right, leaf value
    (a node is a leaf where left == -1); a row goes left when its feature value <= threshold."""

    def __init__(self, data: dict):
        self.features: list[str] = data["features"]
        self.baseline = np.asarray(data["baseline"], dtype=np.float64)
        self.trees = [[{key: np.asarray(tree[key]) for key in ("feature", "threshold", "left", "right", "value")}
                       for tree in column] for column in data["trees"]]

    def raw(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        scores = np.tile(self.baseline, (len(x), 1))
        for column, trees in enumerate(self.trees):
            for tree in trees:
                node = np.zeros(len(x), dtype=np.int64)
                active = tree["left"][node] >= 0
                while active.any():
                    index = np.nonzero(active)[0]
                    current = node[index]
                    go_left = x[index, tree["feature"][current]] <= tree["threshold"][current]
                    node[index] = np.where(go_left, tree["left"][current], tree["right"][current])
                    active[index] = tree["left"][node[index]] >= 0
                scores[:, column] += tree["value"][node]
        return scores

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return probabilities(self.raw(x))


def probabilities(raw: np.ndarray) -> np.ndarray:
    """Raw ensemble scores as probabilities: P(positive) for one column, a softmax for several."""
    if raw.shape[1] == 1:
        return 1.0 / (1.0 + np.exp(-raw[:, 0]))
    exp = np.exp(raw - raw.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


class NgramModel:
    """Logistic regression on the presence of character n-grams, stored as a table of weights."""

    def __init__(self, data: dict):
        self.sizes: list[int] = data["sizes"]
        self.bias = float(data["bias"])
        self.weights: dict[str, float] = data["weights"]

    def probabilities(self, texts: list[str]) -> np.ndarray:
        totals = []
        for text in texts:
            text = " ".join(text.lower().split())
            grams = {text[i:i + n] for n in self.sizes for i in range(len(text) - n + 1)}
            totals.append(self.bias + math.fsum(self.weights.get(g, 0.0) for g in grams))  # order-free
        return 1.0 / (1.0 + np.exp(-np.asarray(totals, dtype=np.float64)))


def checkable(framing: NgramModel, clauses: list[str]) -> list[bool]:
    """Which clauses name something checkable: P(framing) below params.FRAMING_PROBABILITY."""
    return [bool(p < params.FRAMING_PROBABILITY) for p in framing.probabilities(clauses)] if clauses else []


class Judge:
    """The learned models of one judge file (see above); `name` says which training run it is
    (reports and eval show it), `folder` is where the file lies (its adapters are named relative
    to it). Made by `load`, which checks the file."""

    def __init__(self, data: dict, name: str, folder: Path):
        self.name = name
        self.trained_on: list[str] = data.get("trained_on", [])
        self.evidence_model = TreeEnsemble(data["evidence"])
        self.parts_model = TreeEnsemble(data["parts"])
        self.status_model = TreeEnsemble(data["status"])
        self.statuses: list[str] = data["status"]["classes"]
        self.framing_model = NgramModel(data["framing"])
        self.aside_model = NgramModel(data["aside"]) if "aside" in data else None
        # the encoder adapters the judge was trained with
        self.adapters: tuple[Path, ...] = tuple(folder / file for file in data.get("adapters", []))

    @classmethod
    def load(cls, path: str | Path | None = None, pair_features: tuple[str, ...] = (),
             clause_features: tuple[str, ...] = (), status_features: tuple[str, ...] = ()) -> "Judge":
        path = Path(path) if path else DEFAULT_JUDGE
        try:
            data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{path}: no judge file; run `make judge`") from None
        except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelError(f"{path}: not a judge file ({error})") from None
        if not isinstance(data, dict) or data.get("format") != JUDGE_FORMAT:
            raise ModelError(f"{path}: not a {JUDGE_FORMAT} file")
        judge = cls(data, path.name.removesuffix(JUDGE_SUFFIX), path.parent)
        for adapter in judge.adapters:
            if not adapter.is_file():
                raise ModelError(f"{path}: its encoder adapter {adapter} is missing; run `make adapters`")
        for model, expected in ((judge.evidence_model, pair_features), (judge.parts_model, clause_features),
                                (judge.status_model, status_features)):
            if expected and list(expected) != model.features:
                raise ModelError(f"{path}: trained on other features than this version computes; run `make judge`")
        return judge

    def evidence(self, features: np.ndarray) -> np.ndarray:
        if len(features) == 0:
            return np.zeros(0)
        return self.evidence_model.probabilities(features)

    def concrete(self, clauses: list[str]) -> list[bool]:
        return checkable(self.framing_model, clauses)

    def aside(self, sentences: list[str]) -> np.ndarray:
        """P(no commitment) per plan sentence; zeros from a judge file that predates the model."""
        if self.aside_model is None or not sentences:
            return np.zeros(len(sentences))
        return self.aside_model.probabilities(sentences)

    def parts(self, features: np.ndarray) -> np.ndarray:
        """P of each part status (rate.PART_STATUSES), one row per clause."""
        return self.parts_model.probabilities(np.atleast_2d(features))

    def status(self, features: np.ndarray) -> np.ndarray:
        """P of each status (columns in the order of `statuses`), one row per commitment."""
        return self.status_model.probabilities(np.atleast_2d(features))
