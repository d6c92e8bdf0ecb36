"""The VietQR encoder, in Python (ocop/vietqr.py) and in the kiosk's JavaScript (assets/vietqr.js): the
published test vectors, a payload read back by an independent decoder, and the limits."""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest

from conftest import ROOT
from ocop.vietqr import MAX_AMOUNT, VietQRError, payload, purpose_text
from tools_support import parse_emv

# (bank BIN, account, amount, purpose, bill) -> the published payload
VECTORS = [
    (("970403", "0011012345678", 180000, "thanh toan don hang", "NPS6869"),
     "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN"
     "62340107NPS68690819thanh toan don hang63042E2E"),
    (("970415", "0011001932418", 120000, "ủng hộ lũ lụt", ""),
     "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN"
     "62170813ung ho lu lut6304C15C"),
    (("970407", "19030413601018", None, "", ""),
     "00020101021138580010A000000727012800069704070114190304136010180208QRIBFTTA53037045802VN63040283"),
]
JS = ROOT / "assets" / "vietqr.js"


def run_js(calls: list[list]) -> list[dict]:
    """payload(*args) of assets/vietqr.js in Node for each call: {"ok": text} or {"error": message}."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node not found: the kiosk's encoder is tested in Node 20")
    script = f"""
        const q = require({json.dumps(str(JS))});
        const calls = JSON.parse(require("fs").readFileSync(0, "utf8"));
        console.log(JSON.stringify(calls.map(args => {{
            try {{ return {{ok: q.payload(...args)}}; }} catch (e) {{ return {{error: e.name + ": " + e.message}}; }}
        }})));"""
    done = subprocess.run([node, "-e", script], input=json.dumps(calls), capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("args,expected", VECTORS, ids=["napas-6.1.3", "accents", "static-leading-zero-crc"])
def test_python_encoder_reproduces_the_published_vectors(args, expected):
    assert payload(*args) == expected


def test_javascript_encoder_reproduces_the_published_vectors():
    assert [r.get("ok") for r in run_js([list(args) for args, _ in VECTORS])] == [v for _, v in VECTORS]


def test_both_encoders_agree_on_many_payments():
    rng = random.Random(17)
    words = ["Mật ong", "Trà dây", "Đơn", "HL7K2Q", "na", "Bánh chưng", "ĐƯỜNG", "ỦNG HỘ"]
    calls = []
    for _ in range(200):
        account = "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 19)))
        purpose = " ".join(rng.sample(words, rng.randint(0, 2)))[:25]
        calls.append([rng.choice(["970403", "970415", "970436", "970418"]), account,
                      rng.choice([None, 1, 999, rng.randint(1, MAX_AMOUNT)]), purpose, rng.choice(["", "HD42"])])
    expected = []
    for args in calls:
        try:
            expected.append({"ok": payload(*args)})
        except VietQRError:
            expected.append("error")
    got = [r if "ok" in r else "error" for r in run_js(calls)]
    assert got == expected
    assert sum("ok" in r for r in expected if isinstance(r, dict)) > 150


def test_a_one_off_payload_reads_back_through_an_independent_decoder():
    text = payload("970436", "1023456789", 735000, "Đơn OCOP HL7K2Q", "HL7K2Q")
    fields = parse_emv(text)  # also checks the CRC with binascii.crc_hqx
    assert fields["00"] == "01" and fields["01"] == "12"
    assert fields["38"]["00"] == "A000000727" and fields["38"]["02"] == "QRIBFTTA"
    assert fields["38"]["01"] == {"00": "970436", "01": "1023456789"}
    assert (fields["53"], fields["54"], fields["58"]) == ("704", "735000", "VN")
    assert fields["62"] == {"01": "HL7K2Q", "08": "Don OCOP HL7K2Q"}
    broken = text.replace("5406735000", "5406735001")  # one digit of the amount changed, the CRC kept
    assert broken != text
    with pytest.raises(ValueError, match="CRC"):
        parse_emv(broken)


def test_purpose_is_made_plain_or_refused():
    assert purpose_text("Đặc sản Hữu Lũng") == "Dac san Huu Lung"
    assert purpose_text("  ủng hộ  ") == "ung ho"
    assert purpose_text("x" * 25) == "x" * 25
    with pytest.raises(VietQRError, match="tối đa 25"):
        payload("970403", "0011012345678", 1000, "x" * 26)
    for bad in ("đơn #12", "a-b", "mật ong, trà", "100%", "tab\there", "日本"):
        with pytest.raises(VietQRError, match="chữ không dấu"):
            payload("970403", "0011012345678", 1000, bad)


@pytest.mark.parametrize("amount,message", [(0, "lớn hơn 0"), (-5000, "lớn hơn 0"), (MAX_AMOUNT + 1, "500.000.000"),
                                            (10**12, "hạn mức"), (250000.0, "nguyên"), (True, "nguyên"), ("250000", "nguyên")])
def test_amounts_out_of_range_are_refused(amount, message):
    with pytest.raises(VietQRError, match=message):
        payload("970403", "0011012345678", amount)


def test_the_limit_itself_and_the_javascript_refusals():
    assert parse_emv(payload("970403", "0011012345678", MAX_AMOUNT))["54"] == "500000000"
    results = run_js([["970403", "0011012345678", a, "", ""] for a in (0, -1, MAX_AMOUNT + 1, 2.5)]
                     + [["970403", "0011012345678", 1000, "x" * 26, ""], ["970403", "0011012345678", 1000, "a#b", ""],
                        ["97040", "1", 1000, "", ""], ["970403", "12-34", 1000, "", ""]])
    assert all(r.get("error", "").startswith("VietQRError: ") for r in results), results
    assert "500.000.000" in results[2]["error"] and "tối đa 25" in results[4]["error"]


@pytest.mark.parametrize("bank,account", [("97040", "1"), ("9704031", "1"), ("970403", ""), ("970403", "0011 0123"),
                                          ("970403", "1" * 20)])
def test_bank_and_account_are_checked(bank, account):
    with pytest.raises(VietQRError):
        payload(bank, account, 1000)
