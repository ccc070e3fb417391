"""Fit the commitment-level rating models (params.EVIDENCED, params.COMPLETE) on the gold files.

Prints, for each model, the fit on one genre scored on the other (the honest figure), then the
weights fitted on both, ready to paste into tracker/params.py.
Usage: python bench/fit_rating.py
"""
from __future__ import annotations

import json

import numpy as np
from rapidfuzz import fuzz

from tracker import evaluate, match, params, pipeline
from tracker.encoder import Encoder

from gold_pairs import PAIRS

L2 = 1.0


def dataset(encoder) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    result = {}
    for name, (plan_path, execution_path, gold_path) in PAIRS.items():
        plan, execution = pipeline.read_report(plan_path), pipeline.read_report(execution_path)
        matrix = match.signals(plan.commitments, execution.statements, encoder.encode)
        found = match.candidates(plan.commitments, execution.statements, matrix)
        keys = [evaluate.text_key(c.commitment.text) for c in found]
        rows, labels = [], []
        for entry in json.loads(gold_path.read_text(encoding="utf-8"))["commitments"]:
            if entry.get("status") not in evaluate.LABELS:
                continue
            key = evaluate.text_key(entry["commitment"])
            best = max(range(len(keys)), key=lambda i: fuzz.ratio(keys[i], key))
            if fuzz.ratio(keys[best], key) < evaluate.ALIGN_MIN:
                continue
            rows.append([found[best].features[f] for f in params.FEATURES])
            labels.append(entry["status"])
        result[name] = (np.array(rows), np.array(labels))
    return result


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Class-balanced L2 logistic regression by Newton's method on standardised features."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    weight = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    beta = np.zeros(z.shape[1])
    penalty = np.diag([L2] * (z.shape[1] - 1) + [0.0])
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ beta))
        gradient = z.T @ (weight * (p - y)) + penalty @ beta
        hessian = z.T @ (z * (weight * p * (1 - p))[:, None]) + penalty
        beta -= np.linalg.solve(hessian, gradient)
    coefficients = beta[:-1] / scale  # back to raw feature units
    bias = beta[-1] - float(coefficients @ mean)
    return coefficients, bias, mean, scale


def accuracy(coefficients, bias, x, y) -> float:
    return float((((x @ coefficients + bias) >= 0) == (y == 1)).mean())


def main() -> None:
    data = dataset(Encoder("m3e-small", log=lambda *_: None))
    tasks = {
        "EVIDENCED": lambda labels: (np.ones(len(labels), bool), (labels != "missing").astype(float)),
        "COMPLETE": lambda labels: (labels != "missing", (labels == "fulfilled").astype(float)),
    }
    for task, select in tasks.items():
        print(task)
        for train, test in (("seed", "national"), ("national", "seed")):
            keep, y = select(data[train][1])
            coefficients, bias, *_ = fit(data[train][0][keep], y[keep])
            keep_test, y_test = select(data[test][1])
            print(f"  fit on {train:8} -> {test:8} accuracy {accuracy(coefficients, bias, data[test][0][keep_test], y_test[keep_test]):.3f}"
                  f"  (on itself {accuracy(coefficients, bias, data[train][0][keep], y[keep]):.3f})")
        x = np.vstack([data[name][0][select(data[name][1])[0]] for name in data])
        y = np.concatenate([select(data[name][1])[1][select(data[name][1])[0]] for name in data])
        coefficients, bias, *_ = fit(x, y)
        weights = ", ".join(f'"{f}": {c:.3f}' for f, c in zip(params.FEATURES, coefficients))
        print(f'  {task} = {{"bias": {bias:.3f}, "weights": {{{weights}}}}}')


if __name__ == "__main__":
    main()
