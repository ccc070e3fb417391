"""The sentence encoder: the only module that imports sentence-transformers, and only lazily.

Two backends behind one `encode` (bertalign's habit):
  torch  sentence-transformers on torch, fp32: works for any sentence-transformers model;
  onnx   an fp32 ONNX export of a mean-pooled model run by onnxruntime with the model's own fast
         tokenizer: the same vectors (cosine 1.0000 to torch), but no torch import, so loading
         takes 0.15 s instead of ~6 s (bench/bench.py). int8 quantisation was tried and dropped:
         per-tensor int8 moved the seed's kappa by −0.04; per-channel int8 holds kappa only when
         batched, and batched dynamic quantisation makes a text's vector depend on its batch mates.
`auto` takes onnx when onnxruntime is installed and the model folder holds the export (written by
`tracker model fetch` / `tracker model export`), torch otherwise.

Embeddings are cached on disk per model, backend and text (TRACKER_CACHE_DIR or ~/.cache/tracker),
so a re-run on the same reports loads neither torch nor the model.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

from . import fetch
from .errors import ModelError

Progress = Callable[[str, int, int], None]  # (phase, done, total)
BACKENDS = ("auto", "torch", "onnx")
MAX_SEQ_LENGTH = 256  # reports' sentences stay well under this many tokens; longer ones are cut
BATCH = 64
ONNX_FILE = Path("onnx") / "model.onnx"
MERGE_RULE = b"low-rank update in float64, fixed order"  # part of adapters_digest: see low_rank_update
RULE_FILE = "merge-rule"  # beside a tuned export: the MERGE_RULE it was made by
# The linear layers of each transformer block that a judge's LoRA adapter tunes (tracker/learn/tune.py).
ADAPTER_TARGETS = ("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense")


def cache_root(configured: Path | None = None) -> Path:
    if configured:
        return Path(configured)
    env = os.environ.get("TRACKER_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "tracker"


def fetch_default(force: bool = False, log=print, adapters: tuple[Path, ...] = ()) -> Path:
    """m3e-small into models/, plus its ONNX export when onnxruntime is installed, and with
    `adapters` (a judge's) also the export of the model with them merged in."""
    directory = fetch.fetch(force=force, log=log)
    if onnx_runtime_available():
        for tuning in ((), adapters) if adapters else ((),):
            if force or not onnx_path(directory, adapters_digest(tuning)).is_file():
                export_onnx(directory, log=log, adapters=tuning)
    return directory


def resolve_model(spec: str, log=print) -> str:
    """The default name fetches m3e-small (and its ONNX export) on first use; anything else goes
    to sentence-transformers as given."""
    if spec in (fetch.DEFAULT_NAME, "models/m3e-small"):
        directory = fetch.default_model_dir()
        if not fetch.is_present(directory):
            fetch_default(log=log)
        return str(directory)
    return spec


def onnx_runtime_available() -> bool:
    return importlib.util.find_spec("onnxruntime") is not None


def mean_pooled(directory: Path) -> bool:
    """The ONNX backend reproduces Transformer → mean pooling (→ Normalize) only; sentence-
    transformers builds exactly that for a folder without modules.json."""
    modules_file = directory / "modules.json"
    if not modules_file.is_file():
        return True
    modules = json.loads(modules_file.read_text(encoding="utf-8"))
    kinds = [module.get("type", "").rsplit(".", 1)[-1] for module in modules]
    if any(kind not in ("Transformer", "Pooling", "Normalize") for kind in kinds):
        return False
    for module in modules:
        if module.get("type", "").endswith("Pooling"):
            pooling = json.loads((directory / module["path"] / "config.json").read_text(encoding="utf-8"))
            modes = [key for key, value in pooling.items() if key.startswith("pooling_mode") and value]
            return modes == ["pooling_mode_mean_tokens"]
    return True


def load_adapter(path: Path) -> dict[str, np.ndarray]:
    """A judge's LoRA adapter (tracker/learn/tune.py): `<module>.down`, `<module>.up`, `scale`."""
    try:
        with np.load(path) as stored:
            return {name: stored[name] for name in stored.files}
    except (OSError, ValueError) as error:
        raise ModelError(f"{path}: not an encoder adapter ({error})") from None


def merge_adapters(model, adapters: tuple[Path, ...]) -> None:
    """Add the mean of the adapters' low-rank updates (scale · up · down) to the weights of a
    transformers model: one adapter as it is, or a soup of several trained from the same start."""
    import torch

    modules = dict(model.named_modules())
    with torch.no_grad():
        for path in adapters:
            adapter = load_adapter(path)
            scale = float(adapter["scale"]) / len(adapters)
            for name, (up, down) in low_rank_pairs(adapter).items():
                update = low_rank_update(up, down) * scale
                modules[name].weight += torch.from_numpy(update.astype(np.float32))


def low_rank_pairs(adapter: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Module name -> (up, down) of an adapter as load_adapter gives it."""
    return {key[: -len(".down")]: (adapter[key[: -len(".down")] + ".up"], adapter[key])
            for key in adapter if key.endswith(".down")}


def low_rank_update(up: np.ndarray, down: np.ndarray) -> np.ndarray:
    """up · down, summed over the rank in a fixed order in float64: a BLAS product rounds
    differently with the number of threads, so the tuned model (and every embedding and judge
    built on it) differed in the last bits between processes (make judge runs BLAS on one
    thread) and between machines."""
    up, down = up.astype(np.float64), down.astype(np.float64)
    update = np.zeros((up.shape[0], down.shape[1]))
    for rank in range(up.shape[1]):
        update += np.multiply.outer(up[:, rank], down[rank])
    return update


def adapters_digest(adapters: tuple[Path, ...]) -> str:
    """What the tuned export and the embedding cache are keyed by: "" for none. The merge rule is
    part of the key, so that exports and embeddings made by an earlier rule are not reused."""
    if not adapters:
        return ""
    digest = hashlib.sha256(MERGE_RULE)
    for path in adapters:
        try:
            digest.update(Path(path).read_bytes())
        except OSError as error:
            raise ModelError(f"{path}: cannot read the encoder adapter ({error.strerror}); run `make adapters`") from None
    return digest.hexdigest()[:16]


def onnx_path(directory: Path, digest: str = "") -> Path:
    """Where the ONNX export of `directory`'s model lives: onnx/model.onnx, or with adapters of
    this digest merged in, tuned/<digest>/model.onnx."""
    return directory / "tuned" / digest / ONNX_FILE.name if digest else directory / ONNX_FILE


def export_onnx(directory: str | Path, log=print, adapters: tuple[Path, ...] = ()) -> Path:
    """Write <model>/onnx/model.onnx, the transformer exported with torch (set-up time only; the
    onnx backend then never imports torch); with a judge's `adapters`, the tuned model's export
    goes to <model>/tuned/<digest>/model.onnx instead."""
    directory = Path(directory)
    if not (directory / "config.json").is_file() or not (directory / "tokenizer.json").is_file():
        raise ModelError(f"{directory}: not a local model folder with config.json and tokenizer.json")
    if not mean_pooled(directory):
        raise ModelError(f"{directory}: the ONNX backend supports mean-pooled models only; use --backend torch")
    if not onnx_runtime_available():
        raise ModelError("onnxruntime is not installed; run `make setup`")
    target = onnx_path(directory, adapters_digest(adapters))
    tuning = f" with {' + '.join(Path(a).name for a in adapters)}" if adapters else ""
    log(f"Exporting {directory.name}{tuning} to ONNX ({target}) …")
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError as error:
        raise ModelError(f"exporting to ONNX needs torch, transformers and onnxruntime ({error})") from None

    class LastHiddenState(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    names = ["input_ids", "attention_mask", "token_type_ids"]
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModel.from_pretrained(directory).eval()
    merge_adapters(model, adapters)
    sample = tokenizer(["示例句子", "一个更长一些的示例句子"], padding=True, return_tensors="pt")
    if any(name not in sample for name in names):
        raise ModelError(f"{directory}: the ONNX export expects a BERT-style model ({', '.join(names)}); use --backend torch")
    target.parent.mkdir(parents=True, exist_ok=True)
    if adapters:
        (target.parent / RULE_FILE).write_bytes(MERGE_RULE)
        _remove_stale_exports(target.parent.parent)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        staged = Path(scratch) / target.name
        with warnings.catch_warnings():  # tracing warnings about shapes: expected and harmless here
            warnings.simplefilter("ignore")
            torch.onnx.export(LastHiddenState(model), tuple(sample[n] for n in names), str(staged),
                              input_names=names, output_names=["last_hidden_state"],
                              dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["last_hidden_state"]},
                              opset_version=17, dynamo=False)
        os.replace(staged, target)
    return target


def cache_key(spec: str, backend: str, digest: str, max_seq_length: int = MAX_SEQ_LENGTH) -> str:
    """The embedding cache's folder for a model, a backend and an adapter digest."""
    return hashlib.sha1(f"{spec}|{max_seq_length}|{backend}|{digest}".encode()).hexdigest()[:16]


def unused(adapter_sets: list[tuple[Path, ...]], model_dir: Path, cache_dir: Path | None = None) -> list[Path]:
    """The tuned exports under `model_dir` and the embedding caches that m3e-small with none of
    `adapter_sets` would use: what judges since rebuilt (and other models) left behind, about 90 MB
    per export. The plain model's are always in use."""
    digests = {adapters_digest(adapters) for adapters in adapter_sets} | {""}
    keys = {cache_key(fetch.DEFAULT_NAME, backend, digest) for backend in BACKENDS if backend != "auto"
            for digest in digests}
    folders = [(model_dir / "tuned", digests), (cache_root(cache_dir) / "embeddings", keys)]
    return [found for parent, used in folders if parent.is_dir()
            for found in sorted(parent.iterdir()) if found.is_dir() and found.name not in used]


def _remove_stale_exports(tuned: Path) -> None:
    """Remove tuned exports made by an earlier merge rule: their digests are never asked for again,
    and each holds a whole model (about 90 MB)."""
    for folder in tuned.iterdir():
        marker = folder / RULE_FILE
        if folder.is_dir() and not (marker.is_file() and marker.read_bytes() == MERGE_RULE):
            shutil.rmtree(folder, ignore_errors=True)


class Encoder:
    """Normalised sentence embeddings with a per-text on-disk cache."""

    max_seq_length = MAX_SEQ_LENGTH

    def __init__(self, model: str, cache_dir: Path | None = None, backend: str = "auto", log=print,
                 progress: Progress | None = None, adapters: tuple[Path, ...] = ()):
        if backend not in BACKENDS:
            raise ModelError(f"unknown backend {backend!r} (one of {', '.join(BACKENDS)})")
        self.spec = model
        self.requested = backend
        self.log = log
        self.progress = progress
        self.cache_dir = cache_dir
        self.cache_base = cache_root(cache_dir) / "embeddings"
        self.adapters = tuple(Path(a) for a in adapters)
        self._digest = adapters_digest(self.adapters)
        self._path: str | None = None
        self._backend: str | None = None
        self._run = None  # texts -> vectors, once the model is loaded
        self._tuned: dict[tuple[Path, ...], Encoder] = {}

    def tuned(self, adapters: tuple[Path, ...]) -> Encoder:
        """This encoder with a judge's adapters merged in (itself for none, or for a model other
        than the m3e-small they were trained on); kept, so a warm run loads each model once."""
        if not adapters:
            return self
        if self.spec != fetch.DEFAULT_NAME:
            self.log(f"The judge's encoder adapters tune {fetch.DEFAULT_NAME}; {self.spec} is used as it is.")
            return self
        if adapters not in self._tuned:
            self._tuned[adapters] = Encoder(self.spec, self.cache_dir, self.requested, self.log, self.progress, adapters)
        return self._tuned[adapters]

    @property
    def backend(self) -> str:
        """The backend in use; resolving it fetches the default model when it is absent."""
        if self._backend is None:
            self._path = resolve_model(self.spec, log=self.log)
            if self.adapters and self.requested != "torch" and onnx_runtime_available() and not self._onnx_file().is_file():
                export_onnx(self._path, log=self.log, adapters=self.adapters)
            exported = self._onnx_file().is_file()
            if self.requested == "onnx" and not (exported and onnx_runtime_available()):
                raise ModelError(f"{self._path}: no ONNX export or no onnxruntime; run `tracker model export {self._path}`")
            self._backend = "onnx" if self.requested != "torch" and exported and onnx_runtime_available() else "torch"
        return self._backend

    @property
    def cache(self) -> Path:
        return self.cache_base / cache_key(self.spec, self.backend, self._digest, self.max_seq_length)

    def _onnx_file(self) -> Path:
        return onnx_path(Path(self._path), self._digest)

    def load(self):
        """Load the model now (encode does it on first need)."""
        if self._run is None:
            if self.progress:
                self.progress("load", 0, 1)
            self._run = self._load_onnx() if self.backend == "onnx" else self._load_torch()
            if self.progress:
                self.progress("load", 1, 1)
        return self._run

    def _load_torch(self):
        try:
            from sentence_transformers import SentenceTransformer  # heavy: only when needed

            model = SentenceTransformer(self._path, device="cpu")
        except ImportError as error:
            raise ModelError(f"sentence-transformers is not installed ({error}); run `make setup`") from None
        except Exception as error:  # the library raises OSError, ValueError, HF errors…
            raise ModelError(f"cannot load model {self.spec!r}: {str(error).splitlines()[0]}") from None
        model.max_seq_length = self.max_seq_length
        merge_adapters(model[0].auto_model, self.adapters)
        return lambda texts: model.encode(texts, batch_size=BATCH, normalize_embeddings=True, convert_to_numpy=True)

    def _load_onnx(self):
        import onnxruntime
        from tokenizers import Tokenizer

        directory = Path(self._path)
        try:
            tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
            session = onnxruntime.InferenceSession(str(self._onnx_file()), providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime and tokenizers raise their own exception types
            raise ModelError(f"cannot load {self._onnx_file()}: {str(error).splitlines()[0]}") from None
        tokenizer.enable_truncation(self.max_seq_length)
        tokenizer.enable_padding()
        inputs = {node.name for node in session.get_inputs()}

        def run(texts: list[str]) -> np.ndarray:
            encodings = tokenizer.encode_batch(texts)
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, {name: value for name, value in feed.items() if name in inputs})[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

        return run

    def _cache_file(self, text: str) -> Path:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
        return self.cache / digest[:2] / f"{digest}.npy"

    def encode(self, texts: list[str]) -> np.ndarray:
        unique = sorted(set(texts), key=len)  # dedupe; length-sorted batches pad less
        vectors: dict[str, np.ndarray] = {}
        todo = []
        for text in unique:
            path = self._cache_file(text)
            if path.is_file():
                vectors[text] = np.load(path)
            else:
                todo.append(text)
        if todo:
            run = self.load()
            for begin in range(0, len(todo), BATCH):
                chunk = todo[begin:begin + BATCH]
                for text, vector in zip(chunk, run(chunk)):
                    vector = np.asarray(vector, dtype=np.float32)
                    vectors[text] = vector
                    self._store(text, vector)
                if self.progress:
                    self.progress("encode", min(begin + BATCH, len(todo)), len(todo))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([vectors[text] for text in texts])

    def _store(self, text: str, vector: np.ndarray) -> None:
        path = self._cache_file(text)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                np.save(handle, vector)
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only cache only costs speed
