"""The encoder's backends and the embedding cache: a cold run on the default ONNX backend never
imports torch, and a warm re-run (same inputs, same model) loads no model runtime at all."""
import shutil
import subprocess
import sys

import numpy as np
import pytest

from .conftest import EXEC_2022, PLAN_2022

PROBE = """
import sys
from click.testing import CliRunner
from tracker.cli import cli
result = CliRunner().invoke(cli, ["audit", sys.argv[1], sys.argv[2], "--out", sys.argv[3], "--backend", sys.argv[4]])
assert result.exit_code == 0, result.output
print(*(name in sys.modules for name in ("torch", "sentence_transformers", "onnxruntime")))
"""


def _imports(tmp_path, backend: str) -> list[str]:
    env = {"TRACKER_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    command = [sys.executable, "-c", PROBE, str(PLAN_2022), str(EXEC_2022), str(tmp_path / "out"), backend]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout.split()


@pytest.mark.model
def test_onnx_cold_run_without_torch_and_warm_run_without_any_runtime(tmp_path):
    assert _imports(tmp_path, "auto") == ["False", "False", "True"]
    assert _imports(tmp_path, "auto") == ["False", "False", "False"]


@pytest.mark.model
def test_torch_backend_loads_sentence_transformers(tmp_path):
    assert _imports(tmp_path, "torch")[:2] == ["True", "True"]


@pytest.mark.model
def test_backends_give_the_same_vectors(tmp_path):
    from tracker.encoder import Encoder

    texts = ["推进北京路步行街改造提升二期", "新增专利授权量1.13万件", "社会消费品零售总额增长5%以上"]
    vectors = {backend: Encoder("m3e-small", tmp_path / backend, backend=backend, log=lambda *_: None).encode(texts)
               for backend in ("torch", "onnx")}
    assert np.allclose((vectors["torch"] * vectors["onnx"]).sum(axis=1), 1.0, atol=1e-4)


@pytest.mark.model
def test_adapters_are_merged_alike_in_both_backends(tmp_path):
    """A judge's encoder adapters change the vectors, and the ONNX export with their mean merged
    gives the vectors of torch with it merged; an adapter of zeros changes nothing."""
    from tracker.encoder import Encoder, load_adapter
    from tracker.judge import Judge

    texts = ["推动高端“双创”基地建设", "新增星火智创众创空间等3家市级众创空间", "社会消费品零售总额增长5%以上"]
    adapters = Judge.load().adapters
    zeros = tmp_path / "zeros.npz"
    np.savez(zeros, **{name: np.zeros_like(value) if name != "scale" else value
                       for name, value in load_adapter(adapters[0]).items()})

    def vectors(backend, with_adapters):
        base = Encoder("m3e-small", tmp_path / backend, backend=backend, log=lambda *_: None)
        return base.tuned(with_adapters).encode(texts)

    tuned = {backend: vectors(backend, adapters) for backend in ("torch", "onnx")}
    assert np.allclose((tuned["torch"] * tuned["onnx"]).sum(axis=1), 1.0, atol=1e-4)
    assert not np.allclose((tuned["onnx"] * vectors("onnx", ())).sum(axis=1), 1.0, atol=1e-3)
    assert np.allclose((vectors("torch", (zeros,)) * vectors("torch", ())).sum(axis=1), 1.0, atol=1e-5)
    # the soup of an adapter and zeros is half the adapter: between the base and the adapter alone
    base, alone, half = (vectors("torch", a) for a in ((), adapters[:1], (adapters[0], zeros)))
    assert ((half * base).sum(axis=1) > (alone * base).sum(axis=1)).all()


def test_low_rank_update_does_not_depend_on_blas_threads():
    """The merged adapter update is the same bits with one BLAS thread or several (a BLAS product
    was not, so tuned models differed between machines), and equals up · down."""
    from threadpoolctl import threadpool_limits

    from tracker.encoder import load_adapter, low_rank_pairs, low_rank_update
    from tracker.judge import Judge

    pairs = list(low_rank_pairs(load_adapter(Judge.load().adapters[0])).values())
    updates = {}
    for threads in (1, 2):
        with threadpool_limits(threads):
            updates[threads] = [low_rank_update(up, down).astype(np.float32) for up, down in pairs]
    assert all(np.array_equal(a, b) for a, b in zip(updates[1], updates[2]))
    up, down = pairs[0]
    assert np.allclose(updates[1][0], up.astype(np.float64) @ down.astype(np.float64), atol=1e-6)


def test_exports_of_an_earlier_merge_rule_are_removed(tmp_path):
    """Tuned exports carry the merge rule they were made by; writing one removes those of another
    rule or of none (made before the rule was recorded), which no digest asks for any more."""
    from tracker.encoder import MERGE_RULE, RULE_FILE, _remove_stale_exports

    for name, rule in (("current", MERGE_RULE), ("earlier", b"float32 BLAS product"), ("unmarked", None)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "model.onnx").write_bytes(b"onnx")
        if rule:
            (tmp_path / name / RULE_FILE).write_bytes(rule)
    _remove_stale_exports(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current"]


def test_prune_removes_what_no_judge_encodes_with(tmp_path, monkeypatch):
    """`tracker model prune` keeps the plain model's and the judges' tuned exports and embedding
    caches (each judge's adapter mean and either adapter alone) and removes the rest, listing it."""
    from click.testing import CliRunner

    from tracker import fetch
    from tracker.cli import cli
    from tracker.encoder import adapters_digest, cache_key
    from tracker.judge import DEFAULT_JUDGE, Judge

    adapters = Judge.load().adapters
    model_dir, embeddings = tmp_path / "m3e-small", tmp_path / "cache" / "embeddings"
    for digest in (adapters_digest(adapters), adapters_digest(adapters[:1]), "0123456789abcdef"):
        (model_dir / "tuned" / digest).mkdir(parents=True)
        (model_dir / "tuned" / digest / "model.onnx").write_bytes(b"x" * 1000)
    for key in (cache_key("m3e-small", "onnx", ""), cache_key("m3e-small", "torch", adapters_digest(adapters)),
                cache_key("m3e-small", "onnx", "0123456789abcdef"), cache_key("other-model", "onnx", "")):
        (embeddings / key).mkdir(parents=True)
    monkeypatch.setattr(fetch, "default_model_dir", lambda: model_dir)
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    judges = tmp_path / "judges"
    judges.mkdir()
    shutil.copy(DEFAULT_JUDGE, judges)
    for adapter in adapters:
        shutil.copy(adapter, judges)
    stale = [model_dir / "tuned" / "0123456789abcdef", embeddings / cache_key("m3e-small", "onnx", "0123456789abcdef"),
             embeddings / cache_key("other-model", "onnx", "")]
    listing = "".join(f"{path}\n" for path in sorted(stale[1:]))
    listing = f"{stale[0]}\n{listing}"

    dry = CliRunner().invoke(cli, ["model", "prune", "--judges", str(judges), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output == listing + "would remove 3 folders (0 MB); kept what 3 adapter sets use\n"
    assert all(path.exists() for path in stale)
    done = CliRunner().invoke(cli, ["model", "prune", "--judges", str(judges)])
    assert done.output == listing + "removed 3 folders (0 MB); kept what 3 adapter sets use\n"
    assert not any(path.exists() for path in stale)
    assert len(list((model_dir / "tuned").iterdir())) == 2 and len(list(embeddings.iterdir())) == 2
    again = CliRunner().invoke(cli, ["model", "prune", "--judges", str(judges)])
    assert again.output == "removed 0 folders (0 MB); kept what 3 adapter sets use\n"
    empty = CliRunner().invoke(cli, ["model", "prune", "--judges", str(tmp_path)])
    assert (empty.exit_code, empty.output) == (2, f"Error: {tmp_path}: no judge file (*.json.gz) to keep the encoders "
                                                   "of; nothing removed\n")
    assert len(list((model_dir / "tuned").iterdir())) == 2
