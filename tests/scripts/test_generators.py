"""The sample generators' ``--check`` (scripts/make_events.py, scripts/make_bad_inputs.py),
run with ``--root`` on a copy of the committed files in a temporary directory: it passes on a
faithful copy, and on an edited copy it fails and names every file that differs, is missing or
is extra. Writing (without ``--check``) puts the copy back as it was."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# script, the directory it writes, a file to edit and a file to delete in the copy
GENERATORS = [
    ("make_events.py", "events", "s3-test-event.json", "objects/bad-lines.ndjson"),
    ("make_bad_inputs.py", "tests/fixtures/bad-inputs", "manifest.json", "nul-bytes.ndjson"),
]


def run(script: str, root: pathlib.Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--root", str(root), *options],
        capture_output=True, text=True, check=False,
    )


@pytest.fixture(params=GENERATORS, ids=[g[0] for g in GENERATORS])
def copy(request, tmp_path):
    """(script, directory, file to edit, file to delete), the directory copied under tmp_path."""
    script, out, edit, delete = request.param
    shutil.copytree(ROOT / out, tmp_path / out)
    return script, out, edit, delete


def test_check_passes_on_a_faithful_copy(copy, tmp_path):
    script, out, _, _ = copy
    result = run(script, tmp_path, "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"{out}/: all ")


def test_check_names_each_difference_and_writing_repairs_them(copy, tmp_path):
    script, out, edit, delete = copy
    directory = tmp_path / out
    data = bytearray((directory / edit).read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit, same size
    (directory / edit).write_bytes(bytes(data))
    (directory / delete).unlink()
    (directory / "stray.json").write_text("{}\n")

    result = run(script, tmp_path, "--check")
    assert result.returncode == 1
    assert sorted(result.stdout.splitlines()) == sorted([
        f"differs  {out}/{edit}",
        f"missing  {out}/{delete}",
        f"extra    {out}/stray.json",
    ])
    assert f"run python3 scripts/{script}" in result.stderr

    assert run(script, tmp_path).returncode == 0
    assert not (directory / "stray.json").exists()
    result = run(script, tmp_path, "--check")
    assert result.returncode == 0, result.stdout + result.stderr
