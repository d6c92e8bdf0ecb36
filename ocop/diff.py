"""Identity diffs at C speed: which items of a list, or values of a mapping, are other objects than last time.

An unchanged product, page or file is the very same object from one `serve` rebuild to the next
(ocop.incremental), so comparing identities finds what changed among thousands without a Python loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import compress
from operator import is_not, or_


def changed_at(new: Sequence, old: Sequence, *more: tuple[Sequence, Sequence]) -> list[int]:
    """The positions where `new` holds another object than `old` (or, for each further (new, old) pair,
    where that one does), found at C speed; the sequences have the same length."""
    flags = map(is_not, new, old)
    for other_new, other_old in more:
        flags = map(or_, flags, map(is_not, other_new, other_old))
    return list(compress(range(len(new)), flags))


def changed_keys(new: Mapping, old: Mapping) -> list | None:
    """The keys whose value in `new` is another object than in `old`, found at C speed, when both have the
    same keys in the same order; else None."""
    if len(new) != len(old) or list(new) != list(old):
        return None
    return list(compress(new, map(is_not, new.values(), old.values())))
