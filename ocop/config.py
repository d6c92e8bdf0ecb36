"""Site settings: read `site.toml`, apply defaults and command-line overrides."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError
from .payment import Account, Payment, read_account

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class Showroom:
    """The point that displays and sells OCOP products."""

    name: str = "Điểm giới thiệu và bán sản phẩm OCOP"
    address: str = ""
    hours: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Programme:
    """The programme target shown on the statistics page."""

    target_ranked: int = 15
    target_year: int = 2025


@dataclass(frozen=True)
class Kiosk:
    """Showroom kiosk settings."""

    idle_seconds: int = 60


@dataclass(frozen=True)
class Admin:
    """The web forms at /admin/ (ocop.admin): the GitHub repository they save to."""

    repo: str = ""  # owner/name; empty: read from base_url (https://owner.github.io/name/)
    branch: str = "main"


@dataclass(frozen=True)
class Config:
    """Every setting of one build, with defaults for all of them."""

    title: str = "Sản phẩm OCOP"
    description: str = ""
    base_url: str = DEFAULT_BASE_URL
    language: str = "vi"
    programme: Programme = field(default_factory=Programme)
    showroom: Showroom = field(default_factory=Showroom)
    kiosk: Kiosk = field(default_factory=Kiosk)
    payment: Payment = field(default_factory=Payment)
    account: Account | None = None  # [payment] checked against data/banks.yaml; None: pay at the counter
    admin: Admin = field(default_factory=Admin)
    root: Path = PROJECT_ROOT
    content_dir: Path = PROJECT_ROOT / "content"
    output_dir: Path = PROJECT_ROOT / "output"
    cache_dir: Path = PROJECT_ROOT / ".cache"
    today: dt.date = field(default_factory=dt.date.today)
    config_path: Path | None = None
    jobs: int = 0  # worker processes for big builds; 0: every core, 1: this process only (ocop.parallel)
    use_cache: bool = True  # keep parsed content, Markdown and QR codes under cache_dir between builds

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def assets_dir(self) -> Path:
        return self.root / "assets"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def base_path(self) -> str:
        """The path part of the base URL, always with slashes at both ends: "/repo/"."""
        return urlsplit(self.base_url).path

    @property
    def origin(self) -> str:
        """Scheme and host of the base URL: "https://org.github.io"."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def with_overrides(self, **values: object) -> "Config":
        """A copy with the given settings replaced (None leaves a setting as it is)."""
        given = {k: v for k, v in values.items() if v is not None}
        if "base_url" in given:
            given["base_url"] = normalize_base_url(str(given["base_url"]), "--base-url")
        return replace(self, **given)


def normalize_base_url(url: str, where: str) -> str:
    """Check an absolute http(s) base URL and make it end with a slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"{where}: base_url phải là một địa chỉ đầy đủ bắt đầu bằng http:// hoặc https://, "
            f"ví dụ https://ten-tai-khoan.github.io/ten-kho/ (đang ghi \"{url}\")"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"{where}: base_url không được có phần ?… hoặc #… (đang ghi \"{url}\")")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _section(cls: type, raw: object, path: Path, name: str) -> object:
    """Build one settings section, checking names and types."""
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [{name}] phải là một mục có các khoá bên trong")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{path}: {name}.{key}: khoá không có trong cài đặt; các khoá hợp lệ: {', '.join(known)}")
        expected = type(known[key].default)
        if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ConfigError(f"{path}: {name}.{key}: phải là một số nguyên, đang ghi {value!r}")
        if expected is bool and not isinstance(value, bool):
            raise ConfigError(f"{path}: {name}.{key}: phải là true hoặc false (không có ngoặc kép), đang ghi {value!r}")
        if expected is str and not isinstance(value, str):
            raise ConfigError(f"{path}: {name}.{key}: phải là chữ trong dấu ngoặc kép, đang ghi {value!r}")
        values[key] = value
    return cls(**values)


def _toml_where(exc: tomllib.TOMLDecodeError) -> str:
    """ "dòng 3, cột 9" from tomllib's "(at line 3, column 9)"."""
    match = re.search(r"line (\d+), column (\d+)", str(exc))
    return f"dòng {match.group(1)}, cột {match.group(2)}" if match else "không rõ dòng"


def load_config(path: Path | None = None, root: Path = PROJECT_ROOT, account: bool = True) -> Config:
    """Read the settings file (default `site.toml` at the project root, where a missing file means defaults);
    `account=False` leaves the [payment] account unchecked against data/banks.yaml (for the quick check)."""
    config = Config(root=root, content_dir=root / "content", output_dir=root / "output", cache_dir=root / ".cache")
    if path is not None and not path.is_file():
        raise ConfigError(f"{path}: không tìm thấy tệp cài đặt")
    path = path or root / "site.toml"
    if not path.exists():
        return config
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: cú pháp TOML sai ({_toml_where(exc)}); giá trị chữ đặt trong ngoặc kép, "
                          f"ví dụ title = \"Sản phẩm OCOP\" ({exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: tệp phải lưu với bảng mã UTF-8") from None
    sections = {"programme": Programme, "showroom": Showroom, "kiosk": Kiosk, "payment": Payment, "admin": Admin}
    top = {"title", "description", "base_url", "language"}
    values: dict[str, object] = {"config_path": path}
    for key, value in raw.items():
        if key in sections:
            values[key] = _section(sections[key], value, path, key)
        elif key in top:
            if not isinstance(value, str):
                raise ConfigError(f"{path}: {key}: phải là chữ trong dấu ngoặc kép, đang ghi {value!r}")
            values[key] = value
        else:
            raise ConfigError(
                f"{path}: {key}: khoá không có trong cài đặt; các khoá hợp lệ: {', '.join(sorted(top | set(sections)))}"
            )
    if "base_url" in values:
        values["base_url"] = normalize_base_url(str(values["base_url"]), str(path))
    if values.get("language", "vi") not in ("vi", "en"):
        raise ConfigError(f"{path}: language: phải là \"vi\" hoặc \"en\"")
    if "payment" in values and account:
        values["account"] = read_account(values["payment"], path, root / "data")  # type: ignore[arg-type]
    return replace(config, **values)
