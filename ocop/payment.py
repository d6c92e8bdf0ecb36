"""The showroom's receiving bank account, from site.toml's [payment] and the bank list in data/banks.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


from .errors import ConfigError
from .text import fold


@dataclass(frozen=True)
class Payment:
    """[payment] in site.toml, as written: where the kiosk's VietQR codes send the money."""

    bank: str = ""  # the bank's BIN (6 digits) or its short name in data/banks.yaml
    account: str = ""  # the account number, in quotes: "0011012345678"
    account_name: str = ""  # the account holder, as the bank shows it
    sample: bool = False  # true: a made-up account; the code is overlaid "MẪU – KHÔNG CHUYỂN TIỀN"
    staff_pin: str = ""  # the PIN that opens the kiosk's staff view (long press on the logo)


@dataclass(frozen=True)
class Bank:
    bin: str
    short: str
    name: str


@dataclass(frozen=True)
class Account:
    """A checked receiving account: what the payment screen shows and the QR code carries."""

    bank: Bank
    number: str
    name: str
    sample: bool
    staff_pin: str

    @property
    def pin_hash(self) -> str:
        """What the kiosk pages carry instead of the PIN: SHA-256 of "ocop-kiosk:" + PIN ("" without a PIN)."""
        import hashlib

        return hashlib.sha256(f"ocop-kiosk:{self.staff_pin}".encode()).hexdigest() if self.staff_pin else ""


def load_banks(path: Path) -> tuple[Bank, ...]:
    """data/banks.yaml: every bank with its BIN."""
    import yaml  # only when the site takes payments (the quick check of `build` never loads it otherwise)

    try:
        raw = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return tuple(Bank(str(b["bin"]), str(b["short"]), str(b["name"])) for b in raw["banks"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: không đọc được danh sách ngân hàng (mỗi dòng cần bin, short, name): {exc}") from None


def read_account(payment: Payment, where: Path, data_dir: Path) -> Account | None:
    """The account [payment] names, checked against the bank list; None when no account is set."""
    if not payment.account and not payment.bank:
        return None
    if not payment.account or not payment.bank or not payment.account_name:
        raise ConfigError(f"{where}: payment: cần đủ bank (mã BIN hoặc tên ngân hàng), account (số tài khoản) và "
                          "account_name (tên chủ tài khoản); bỏ cả mục [payment] thì kiosk ghi \"thanh toán tại quầy\"")
    banks = load_banks(data_dir / "banks.yaml")
    wanted = fold(payment.bank).replace(" ", "")
    bank = next((b for b in banks if payment.bank.strip() == b.bin or fold(b.short).replace(" ", "") == wanted), None)
    if bank is None:
        raise ConfigError(f"{where}: payment.bank: không có ngân hàng \"{payment.bank}\" trong {data_dir.name}/banks.yaml; "
                          f"ghi mã BIN 6 chữ số hoặc một tên như {', '.join(b.short for b in banks[:4])}")
    number = payment.account.replace(" ", "")
    if not re.fullmatch(r"\d{4,19}", number):
        raise ConfigError(f"{where}: payment.account: số tài khoản chỉ gồm chữ số (4 đến 19 số), đặt trong ngoặc kép; "
                          f"đang ghi \"{payment.account}\"")
    if payment.staff_pin and not re.fullmatch(r"\d{4,8}", payment.staff_pin):
        raise ConfigError(f"{where}: payment.staff_pin: mã PIN gồm 4 đến 8 chữ số, đặt trong ngoặc kép")
    return Account(bank, number, payment.account_name.strip(), payment.sample, payment.staff_pin)
