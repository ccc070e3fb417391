"""Render: one dispatcher from an Extraction or Audit to each output format, written atomically."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write to a temporary file beside `path`, then rename: never a half-written output."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(payload)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path


OUTPUTS = ("audit.json", "report.md", "chart.png", "pairs.xlsx", "pairs.csv")


def write_all(audit, out_dir: str | Path, options) -> list[Path]:
    """Every deliverable of one audit into `out_dir` (the one render dispatcher); returns the paths."""
    from . import chart, jsonout, markdown, sheet

    out_dir = Path(out_dir)
    producers = {
        "audit.json": lambda: jsonout.dumps(jsonout.audit_document(audit)),
        "report.md": lambda: markdown.render(audit, options.lang, chart="chart.png"),
        "chart.png": lambda: chart.png_bytes(audit),
        "pairs.xlsx": lambda: sheet.xlsx_bytes(audit),
        "pairs.csv": lambda: sheet.pairs_csv(audit),
    }
    contents = {name: producers[name]() for name in OUTPUTS}  # everything rendered before anything is written
    return [write_atomic(out_dir / name, data) for name, data in contents.items()]


CHAIN_OUTPUTS = ("chain.json", "chain.md")


def write_chain(chain, folders: list[str], out_dir: str | Path, options) -> list[Path]:
    """The combined files of a chain (each pair's own files are written by write_all)."""
    from . import jsonout, markdown

    out_dir = Path(out_dir)
    contents = {
        "chain.json": jsonout.dumps(jsonout.chain_document(chain, folders)),
        "chain.md": markdown.render_chain(chain, folders, options.lang),
    }
    return [write_atomic(out_dir / name, data) for name, data in contents.items()]

