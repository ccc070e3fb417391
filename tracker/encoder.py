"""The sentence encoder: the only module that imports sentence-transformers, and only lazily.

Embeddings are cached on disk per model and text (TRACKER_CACHE_DIR or ~/.cache/tracker), so a
re-run on the same reports never loads torch at all.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

import numpy as np

from . import fetch
from .errors import ModelError

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def cache_root(configured: Path | None = None) -> Path:
    if configured:
        return Path(configured)
    env = os.environ.get("TRACKER_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "tracker"


def resolve_model(spec: str, log=print) -> str:
    """The default name fetches m3e-small on first use; anything else goes to sentence-transformers."""
    if spec in (fetch.DEFAULT_NAME, "models/m3e-small"):
        directory = fetch.default_model_dir()
        if not fetch.is_present(directory):
            fetch.fetch(directory, log=log)
        return str(directory)
    return spec


class Encoder:
    """Normalised sentence embeddings with a per-text on-disk cache."""

    max_seq_length = 256  # reports' sentences stay well under this many tokens; longer ones are cut

    def __init__(self, model: str, cache_dir: Path | None = None, log=print, progress: Progress | None = None):
        self.spec = model
        self.log = log
        self.progress = progress
        self._model = None
        self._path: str | None = None
        key = hashlib.sha1(f"{model}|{self.max_seq_length}".encode()).hexdigest()[:16]
        self.cache = cache_root(cache_dir) / "embeddings" / key

    def _load(self):
        if self._model is None:
            self._path = resolve_model(self.spec, log=self.log)
            if self.progress:
                self.progress("load", 0, 1)
            try:
                from sentence_transformers import SentenceTransformer  # heavy: only when needed

                self._model = SentenceTransformer(self._path, device="cpu")
            except ImportError as error:
                raise ModelError(f"sentence-transformers is not installed ({error}); run `make setup`") from None
            except Exception as error:  # the library raises OSError, ValueError, HF errors…
                raise ModelError(f"cannot load model {self.spec!r}: {str(error).splitlines()[0]}") from None
            self._model.max_seq_length = self.max_seq_length
            if self.progress:
                self.progress("load", 1, 1)
        return self._model

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
            model = self._load()
            batch = 64
            for begin in range(0, len(todo), batch):
                chunk = todo[begin:begin + batch]
                encoded = model.encode(chunk, batch_size=batch, normalize_embeddings=True, convert_to_numpy=True)
                for text, vector in zip(chunk, encoded):
                    vector = vector.astype(np.float32)
                    vectors[text] = vector
                    self._store(text, vector)
                if self.progress:
                    self.progress("encode", min(begin + batch, len(todo)), len(todo))
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
