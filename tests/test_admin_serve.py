"""`serve` serves /admin/ too, on a machine without Node: the build never needs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import ROOT, TODAY
from test_serve import free_port


def test_serve_without_node_serves_the_catalog_and_admin(tmp_path: Path):
    bin_dir = tmp_path / "bin"  # a PATH with Python and nothing else: no node, no npm
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = {**os.environ, "PATH": str(bin_dir)}
    assert shutil.which("node", path=env["PATH"]) is None
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    port = free_port()
    proc = subprocess.Popen([str(bin_dir / "python"), "build.py", "serve", "--port", str(port), "--content", str(content),
                             "--output", str(tmp_path / "preview"), "--today", TODAY],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def get(path: str):
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/ocop-huu-lung/{path}", timeout=10)

        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:
                home = get("")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.3)
        assert home.status == 200 and "Sản phẩm OCOP" in home.read().decode("utf-8")
        admin = get("admin/")
        assert admin.status == 200 and 'rel="cms-config-url"' in admin.read().decode("utf-8")
        config = get("admin/config.yml")
        assert config.headers["Content-Type"].startswith("application/yaml")
        assert b"name: products" in config.read()
        script = get("admin/cms-1.js")  # the first part of the CMS script (ocop.admin.bundle_parts)
        assert script.headers["Content-Type"].startswith(("text/javascript", "application/javascript"))
        assert 500_000 < len(script.read()) < 1_000_000
    finally:
        proc.terminate()
        proc.wait(timeout=10)
