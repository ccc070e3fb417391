"""A warm re-run (same inputs, same model) is served from the embedding cache without torch."""
import subprocess
import sys

from .conftest import EXEC_2022, PLAN_2022

PROBE = """
import sys
from click.testing import CliRunner
from tracker.cli import cli
result = CliRunner().invoke(cli, ["audit", sys.argv[1], sys.argv[2], "--out", sys.argv[3]])
assert result.exit_code == 0, result.output
print("torch" in sys.modules, "sentence_transformers" in sys.modules)
"""


def test_warm_run_never_imports_torch(tmp_path):
    env = {"TRACKER_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    command = [sys.executable, "-c", PROBE, str(PLAN_2022), str(EXEC_2022), str(tmp_path / "out")]
    cold = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert cold.stdout.split() == ["True", "True"]
    warm = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert warm.stdout.split() == ["False", "False"]
