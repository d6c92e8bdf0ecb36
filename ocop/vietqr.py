"""VietQR payloads (NAPAS 247 bank transfer, EMVCo merchant-presented mode), written and checked here.

assets/vietqr.js is the same algorithm for the kiosk's browser; tests/test_vietqr.py holds both to the
published test vectors.
"""

from __future__ import annotations

import re
import unicodedata

GUID = "A000000727"  # NAPAS
SERVICE = "QRIBFTTA"  # transfer to an account
MAX_AMOUNT = 500_000_000  # NAPAS 247's limit for one transfer, in đồng
MAX_PURPOSE = 25
_PURPOSE = re.compile(r"[A-Za-z0-9 ]*")
_BIN = re.compile(r"\d{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_BILL = re.compile(r"[0-9A-Za-z]{1,25}")


class VietQRError(ValueError):
    """A payment that cannot be made into a VietQR code; `str()` says why, in Vietnamese."""


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    """One EMVCo field: two-digit tag, two-digit length, value."""
    if len(value) > 99:
        raise VietQRError(f"trường {tag} dài quá 99 ký tự")
    return f"{tag}{len(value):02d}{value}"


def purpose_text(text: str) -> str:
    """The transfer purpose as banks accept it: accents stripped, đ as d, only A-Z, a-z, 0-9 and spaces."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if unicodedata.category(c) != "Mn").strip()
    if not _PURPOSE.fullmatch(plain):
        bad = "".join(sorted({c for c in plain if not _PURPOSE.fullmatch(c)}))
        raise VietQRError(f"nội dung chuyển khoản chỉ được có chữ không dấu, chữ số và dấu cách; có ký tự \"{bad}\"")
    if len(plain) > MAX_PURPOSE:
        raise VietQRError(f"nội dung chuyển khoản dài {len(plain)} ký tự; tối đa {MAX_PURPOSE}")
    return plain


def payload(bank_bin: str, account: str, amount: int | None = None, purpose: str = "", bill: str = "") -> str:
    """The VietQR text for a transfer to `account` at the bank `bank_bin`: with an amount (whole đồng)
    a one-time code (01=12), without one a static code (01=11)."""
    if not _BIN.fullmatch(bank_bin):
        raise VietQRError(f"mã ngân hàng (BIN) phải gồm 6 chữ số; đang là \"{bank_bin}\"")
    if not _ACCOUNT.fullmatch(account):
        raise VietQRError(f"số tài khoản chỉ gồm chữ số (tối đa 19); đang là \"{account}\"")
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise VietQRError(f"số tiền phải là số đồng nguyên; đang là {amount!r}")
        if amount <= 0:
            raise VietQRError(f"số tiền phải lớn hơn 0 đồng; đang là {amount}")
        if amount > MAX_AMOUNT:
            raise VietQRError(f"số tiền {amount:,} đồng vượt hạn mức {MAX_AMOUNT:,} đồng của một lần chuyển "
                              "NAPAS 247; hãy chia thành nhiều lần thanh toán".replace(",", "."))
    if bill and not _BILL.fullmatch(bill):
        raise VietQRError(f"mã hoá đơn chỉ gồm chữ không dấu và chữ số (tối đa 25); đang là \"{bill}\"")
    purpose = purpose_text(purpose)
    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    text = tlv("00", "01") + tlv("01", "12" if amount is not None else "11")
    text += tlv("38", tlv("00", GUID) + tlv("01", beneficiary) + tlv("02", SERVICE))
    text += tlv("53", "704") + (tlv("54", str(amount)) if amount is not None else "") + tlv("58", "VN")
    extra = (tlv("01", bill) if bill else "") + (tlv("08", purpose) if purpose else "")
    text += (tlv("62", extra) if extra else "") + "6304"
    return text + f"{crc16(text.encode('ascii')):04X}"
