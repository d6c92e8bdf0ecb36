"""Reference data read from data/: the OCOP product groups and the communes with their former names."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import ConfigError
from .models import Commune, Group, Place
from .reader import Reader, suggest
from .source import Scalar
from .text import commune_key, fold, slugify


@dataclass(frozen=True)
class RefData:
    """Groups and communes, with the lookups that resolve what files say."""

    groups: tuple[Group, ...]
    retired: dict[str, tuple[str, str]]
    communes: tuple[Commune, ...]
    aliases: dict[str, Commune]

    def group(self, slug: str) -> Group | None:
        return next((g for g in self.groups if g.slug == slug), None)

    def resolve_category(self, reader: Reader, scalar: Scalar) -> Group | None:
        """The group for a `category` value, or an error that names the one to use."""
        text = scalar.text.strip()
        group = self.group(text) or self.group(slugify(text))
        if group:
            return group
        key = slugify(text)
        if key in self.retired:
            old_name, use = self.retired[key]
            current = self.group(use)
            reader.error(scalar.line, "category", f"nhóm \"{old_name}\" thuộc danh sách cũ của QĐ 1048/QĐ-TTg (2019), "
                         f"đã thay bằng 6 nhóm của QĐ 148/QĐ-TTg (2023); hãy dùng \"{use}\" "
                         f"({current.name if current else use})")
            return None
        slugs = [g.slug for g in self.groups]
        names = {fold(g.name): g.slug for g in self.groups}
        hint = suggest(key, slugs)
        if not hint:
            near = suggest(fold(text), list(names))
            hint = f" (có phải ý bạn là \"{names[near.split(chr(34))[1]]}\"?)" if near else ""
        reader.error(scalar.line, "category", f"không có nhóm \"{text}\"{hint}; các nhóm hợp lệ: {', '.join(slugs)}")
        return None

    def resolve_commune(self, reader: Reader, scalar: Scalar, name: str) -> Place | None:
        """The current commune for a name (new or former), or an error suggesting the nearest."""
        text = scalar.text.strip()
        key = commune_key(text)
        if key not in self.aliases and key.startswith("xa "):
            key = key[3:]  # "xa Hoa Lac" typed without marks; a commune really named "Xa ..." matched above
        commune = self.aliases.get(key)
        if commune:
            # Keep the name as the data spells it, so "Hoa Lac" or "xã Hòa Lạc" shows as "Hòa Lạc".
            spelled = next(n for n in (commune.name, *commune.former) if commune_key(n) == key)
            return Place(commune, spelled)
        known = sorted({n for c in self.communes for n in (c.name, *c.former)})
        hint = suggest(commune_key(text), [commune_key(n) for n in known])
        if hint:
            wanted = hint.split('"')[1]
            hint = f" (có phải ý bạn là \"{next(n for n in known if commune_key(n) == wanted)}\"?)"
        reader.error(scalar.line, name, f"không có xã \"{text}\" trong data/communes.yaml{hint}")
        return None


@functools.lru_cache(maxsize=4)  # the same few files, read again at every rebuild of `serve`
def _parse(text: str) -> object:
    """What YAML makes of a data file's text (shared: never changed by its readers)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _read_yaml(path: Path) -> dict:
    try:
        data = _parse(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: không tìm thấy tệp dữ liệu") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: lỗi cú pháp YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: tệp phải là các dòng khoá: giá trị")
    return data


def load_refdata(data_dir: Path) -> RefData:
    """Read data/groups.yaml and data/communes.yaml."""
    groups_path, communes_path = data_dir / "groups.yaml", data_dir / "communes.yaml"
    raw_groups = _read_yaml(groups_path)
    try:
        groups = tuple(Group(str(g["slug"]), str(g["name"]), str(g.get("name_en", g["name"]))) for g in raw_groups["groups"])
        retired = {str(r["slug"]): (str(r["name"]), str(r["use"])) for r in raw_groups.get("retired") or []}
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{groups_path}: mỗi nhóm cần slug và name ({exc})") from None
    raw_communes = _read_yaml(communes_path)
    communes = []
    aliases: dict[str, Commune] = {}
    try:
        for item in raw_communes["communes"]:
            commune = Commune(str(item["name"]), slugify(str(item["name"])), str(item.get("code", "")),
                              tuple(str(x) for x in item.get("former") or ()))
            communes.append(commune)
            for name in (commune.name, *commune.former):
                aliases.setdefault(commune_key(name), commune)
            aliases[commune_key(commune.name)] = commune
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{communes_path}: mỗi xã cần name ({exc})") from None
    return RefData(groups, retired, tuple(communes), aliases)
