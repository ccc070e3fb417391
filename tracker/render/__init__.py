"""Render: one dispatcher from an Extraction or Audit to each output format, written atomically."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write to a temporary file beside `path`, then rename: never a half-written output."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(payload)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path


def write_all(audit, out_dir: str | Path, options) -> list[Path]:
    """Every deliverable of one audit into `out_dir`; returns the paths written."""
    from . import jsonout

    out_dir = Path(out_dir)
    written = [write_atomic(out_dir / "audit.json", jsonout.dumps(jsonout.audit_document(audit)))]
    return written
