"""Speed and memory of tracker on the seed pair, as ratios to a bare load+encode script.

Also the encode throughput (sentences/s, model already loaded) of each encoder backend.

Each measurement runs in a fresh process (so imports and model loading count) and reports wall
time and peak RSS. Run: .venv/bin/python bench/bench.py  (or `make bench`).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "seeds/yuexiu-2021-review-2022-plan.txt"
EXECUTION = ROOT / "seeds/yuexiu-2022-review-2023-plan.txt"
TRACKER = [sys.executable, "-m", "tracker.cli"]

# The seed audit's clauses (plan commitments, review statements), shared by the scripts below.
CLAUSES = """
import sys
from tracker import pipeline, match
texts = []
for path in sys.argv[1:3]:
    extraction = pipeline.read_report(path)
    items = extraction.commitments if path == sys.argv[1] else extraction.statements
    texts += [c for item in items for c in match.split_clauses(item.sentence.norm)]
"""

BARE = CLAUSES + """
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[3], device="cpu")
model.encode(texts, batch_size=64, normalize_embeddings=True)
print(len(texts))
"""

# Encode throughput of one backend, model loaded first; one process per backend.
THROUGHPUT = CLAUSES + """
import tempfile, time
from tracker.encoder import Encoder
encoder = Encoder("m3e-small", tempfile.mkdtemp(), backend=sys.argv[3], log=lambda *_: None)
encoder.load()
start = time.perf_counter()
encoder.encode(texts)
print(len(set(texts)) / (time.perf_counter() - start))
"""


# Runs a command and prints its own peak RSS (KB) and CPU seconds last on stderr: each measurement's
# figures are its own (CPU seconds are what a cluster pays; see docs/scaling.md).
PEAK = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime, file=sys.stderr); sys.exit(code)")


def run(command: list[str], env: dict) -> tuple[float, float, float, str]:
    """Wall seconds, peak RSS in MB, CPU seconds of the command, and its stdout."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", PEAK, *command], env=env, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(command[:4])}… failed:\n{result.stderr[-2000:]}")
    peak_kb, cpu = result.stderr.strip().splitlines()[-1].split()
    return elapsed, int(peak_kb) / 1024, float(cpu), result.stdout


def main() -> None:
    from tracker import fetch

    model = str(fetch.fetch(log=lambda *_: None))
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, TRACKER_CACHE_DIR=str(Path(scratch) / "cache"), NO_COLOR="1")
        bare, bare_mb, bare_cpu, out = run([sys.executable, "-c", BARE, str(PLAN), str(EXECUTION), model], env)
        texts = int(out.strip().splitlines()[-1])
        rows.append(("bare load + encode script", bare, bare_mb, bare_cpu))
        audit = TRACKER + ["audit", str(PLAN), str(EXECUTION), "--out", str(Path(scratch) / "out")]
        rows.append(("tracker audit, cold cache",) + run(audit, env)[:3])
        rows.append(("tracker audit, warm re-run",) + run(audit, env)[:3])
        shanghai = ROOT.parent / "shared/corpus/shanghai-gwr"
        if shanghai.is_dir():
            env_chain = dict(env, TRACKER_CACHE_DIR=str(Path(scratch) / "cache-chain"))
            chain = TRACKER + ["audit", *(str(shanghai / f"{y}.txt") for y in range(2020, 2025)),
                               "--out", str(Path(scratch) / "chain")]
            rows.append(("shanghai 2020→2024 chain (4 pairs), cold",) + run(chain, env_chain)[:3])
        throughput = {backend: float(run([sys.executable, "-c", THROUGHPUT, str(PLAN), str(EXECUTION), backend], env)[3])
                      for backend in ("torch", "onnx")}
    print(f"{texts} clauses encoded per seed audit; peak RSS of each command's own process")
    print("encode throughput, model loaded: " + ", ".join(f"{b} {v:.0f} sentences/s" for b, v in throughput.items()))
    print(f"{'measurement':44} {'seconds':>8} {'× bare':>7} {'peak MB':>8} {'CPU s':>7}")
    for name, seconds, megabytes, cpu in rows:
        print(f"{name:44} {seconds:8.2f} {seconds / bare:7.2f} {megabytes:8.0f} {cpu:7.1f}")


if __name__ == "__main__":
    main()
