"""The judge: its numpy evaluators reproduce the trained models, its files fit this version's
features, and a bad judge file is one clear error."""
import gzip
import json

import numpy as np
import pytest
from click.testing import CliRunner

from tracker import match, rate
from tracker.cli import cli
from tracker.errors import ModelError
from tracker.judge import DEFAULT_JUDGE, JUDGE_SUFFIX, Judge, NgramModel, TreeEnsemble
from tracker.learn.train import Bag, export

from .conftest import EXEC_2022, PLAN_2022


@pytest.mark.parametrize("classes, size", [(2, 1), (3, 1), (2, 3), (3, 3)])
def test_exported_trees_give_the_trained_probabilities(classes, size):
    rng = np.random.default_rng(0)
    x = rng.random((400, 4))
    y = (x[:, 0] * classes).astype(int) if classes > 2 else (x[:, 0] + 0.3 * x[:, 1] > 0.6).astype(int)
    bag = Bag({"max_iter": 20, "max_leaf_nodes": 7, "max_features": 0.7}, x, y, size)
    ensemble = TreeEnsemble(export(bag, ("a", "b", "c", "d")))
    ours = ensemble.probabilities(x)
    theirs = bag.probabilities(x)
    assert np.allclose(ours, theirs, atol=1e-5)
    if size == 1:  # one model of the bag is sklearn's own
        assert np.allclose(theirs, bag.models[0].predict_proba(x)[:, 1] if classes == 2 else bag.models[0].predict_proba(x))


def test_the_judge_flags_sentences_readers_call_no_commitment():
    judge = Judge.load(DEFAULT_JUDGE)
    look_back, call, task = judge.aside(["过去一年，我们的各项工作取得了很大成绩。",
                                         "各级政府要大力支持国防和军队建设，走出一条新时期鱼水情深的军政军民团结之路。",
                                         "完成5个交通拥堵点治理。"])
    assert look_back > 0.5 and call > 0.5 and task < 0.2


def test_ngram_model_reads_character_grams():
    model = NgramModel({"sizes": [1, 2], "bias": -1.0, "weights": {"提升": 2.0, "能力": 1.5, "建": -0.5}})
    p = model.probabilities(["提升创新能力", "建成3个基地", ""])
    assert p[0] == pytest.approx(1 / (1 + np.exp(-2.5)))
    assert p[1] == pytest.approx(1 / (1 + np.exp(1.5)))
    assert p[2] == pytest.approx(1 / (1 + np.exp(1.0)))


def test_shipped_judges_fit_this_version():
    """Every committed judge file was trained on the features this version computes (a feature
    change without `make judge` fails here, not in a user's audit)."""
    paths = sorted(DEFAULT_JUDGE.parent.glob(f"*{JUDGE_SUFFIX}"))
    assert len(paths) == 6
    for path in paths:
        judge = Judge.load(path, match.PAIR_FEATURES, rate.CLAUSE_FEATURES, rate.STATUS_FEATURES)
        assert judge.statuses == ["fulfilled", "partial", "missing"]
        assert [a.name for a in judge.adapters] == [f"{judge.name}.half-{h}.adapter.npz" for h in (0, 1)]
        if judge.name.startswith("without-"):
            assert judge.trained_on and len(judge.trained_on) < 16


def test_pair_features_are_named_column_for_column(seed_audit, encoder):
    from tracker import pipeline

    plan, execution = pipeline.read_report(PLAN_2022), pipeline.read_report(EXEC_2022)
    matrix = match.signals(plan.commitments[:3], execution.statements, encoder.encode)
    blocks = match.pair_blocks(plan.commitments[:3], execution.statements, matrix)
    assert all(block.features.shape[1] == len(match.PAIR_FEATURES) for block in blocks)


def test_shipped_judge_decides_framing():
    judge = Judge.load()
    assert judge.concrete(["开设高中阶段港澳子弟班", "全面提升国企市场竞争力"]) == [True, False]


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no judge file; run `make judge`"),
        (b"{}", "not a judge file (Not a gzipped file (b'{}'))"),
        (gzip.compress(b"{"), "not a judge file (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        (gzip.compress(b'{"format": "other"}'), "not a tracker-judge/2 file"),
    ],
)
def test_bad_judge_file_is_one_line_exit_2(tmp_path, content, message):
    path = tmp_path / "judge.json.gz"
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", str(PLAN_2022), str(EXEC_2022), "--judge", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert result.output == f"Error: {path}: {message}\n"
    assert not out.exists()


def test_judge_trained_on_other_features_is_refused(tmp_path):
    data = json.loads(gzip.decompress(DEFAULT_JUDGE.read_bytes()))
    data["evidence"]["features"] = data["evidence"]["features"][:-1] + ["something_else"]
    data["adapters"] = []
    path = tmp_path / "stale.json.gz"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    with pytest.raises(ModelError, match="trained on other features than this version computes"):
        Judge.load(path, match.PAIR_FEATURES, rate.CLAUSE_FEATURES, rate.STATUS_FEATURES)
