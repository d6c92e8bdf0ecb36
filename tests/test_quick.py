"""The same `build` command run again with nothing changed answers before the settings are read (ocop.quick),
and every change that could alter a byte sends it the normal way."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from ocop import quick
from ocop.cli import main

TODAY = "2026-11-28"
SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from ocop.quick import run
code = run(sys.argv[1:])
print("settings read:", "ocop.config" in sys.modules)
sys.exit(0 if code is None else 10 + code)
"""


@pytest.fixture
def built(tmp_path: Path, capsys) -> tuple[list[str], Path]:
    """(the command line of a build just made from a copy of the sample content and settings, that content)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copy2(ROOT / "site.toml", tmp_path / "site.toml")  # its old time: a file written just now is not trusted
    argv = ["build", "--content", str(content), "--output", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"),
            "--config", str(tmp_path / "site.toml"), "--today", TODAY]
    assert main(argv) == 0
    capsys.readouterr()
    return argv, content


def run_quick(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(root=str(ROOT)), *argv[1:]],
                          capture_output=True, text=True, timeout=120)


def test_the_same_command_again_prints_the_closing_lines_without_reading_the_settings(built, capsys):
    argv, _ = built
    proc = run_quick(argv)
    assert proc.returncode == 10, proc.stderr  # answered, exit 0
    assert "Không có gì thay đổi:" in proc.stdout and "settings read: False" in proc.stdout
    # what the normal way prints for the same build, line for line
    for path in (Path(argv[argv.index("--cache") + 1]) / "state").glob("quick-*"):
        path.unlink()
    assert main(argv) == 0
    normal = capsys.readouterr()
    assert proc.stdout == normal.out + "settings read: False\n"
    assert proc.stderr == normal.err
    assert run_quick(argv).returncode == 10  # and that build left the record again
    assert run_quick([*argv, "--jobs", "1"]).returncode == 10  # the workers change no byte
    assert run_quick([*argv, "--jobs", "x"]).returncode == 0  # a usage error is for the normal way to say


def test_the_real_command_takes_it(built):
    argv, _ = built
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), *argv], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and "Không có gì thay đổi:" in proc.stdout, proc.stderr


def test_any_change_goes_the_normal_way(built, tmp_path: Path):
    argv, content = built
    assert quick.run(argv) == 0
    products = content / "products"
    extra = products / "them-moi.md"
    extra.write_text("---\ntitle: Thêm\n---\n", encoding="utf-8")  # a new file, even one the build would refuse
    assert quick.run(argv) is None
    extra.unlink()
    assert quick.run(argv) == 0

    settings = tmp_path / "site.toml"
    before = settings.read_text(encoding="utf-8")
    settings.write_text(before.replace('title = "', 'title = "Mới: ', 1), encoding="utf-8")
    assert before != settings.read_text(encoding="utf-8") and quick.run(argv) is None
    shutil.copy2(ROOT / "site.toml", settings)  # as it was, with its old time
    assert quick.run(argv) == 0
    for other in ([*argv[:-1], "2026-11-29"], [*argv, "--no-cache"], [*argv, "--base-url", "https://a.example/b/"],
                  [*argv, "--conte", str(content)], ["check", *argv[1:]], [*argv, "--help"]):
        assert quick.run(other) is None, other

    output = Path(argv[argv.index("--output") + 1])
    stamp = next((tmp_path / "cache" / "state").glob("*.stamp"))
    stamp.unlink()  # as `serve` does before it changes the output folder
    assert quick.run(argv) is None
    assert main(argv) == 0 and quick.run(argv) == 0
    shutil.rmtree(output)  # the output folder is gone
    assert quick.run(argv) is None


def test_a_record_for_another_folder_is_not_taken(built, tmp_path: Path, monkeypatch):
    """The working folder is part of the command: relative paths mean other files elsewhere."""
    argv, _ = built
    assert quick.run(argv) == 0
    monkeypatch.chdir(tmp_path)
    assert quick.run(argv) is None
