"""Identity diffs at C speed: which items of a list, or values of a mapping, are other objects than last time.

An unchanged product, page or file is the very same object from one `serve` rebuild to the next
(ocop.incremental), so comparing identities finds what changed among thousands without a Python loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import compress
from operator import is_not, or_

# Sequences made from another by putting new objects at known positions (ocop.site's patch): id(new) ->
# (new, old, positions). Walking a list of thousands touches every object in it, which costs more than the
# comparison itself once they are spread over memory; a sequence noted here is not walked at all.
_SWAPS: dict[int, tuple[Sequence, Sequence, list[int]]] = {}


def note_swap(new: Sequence, old: Sequence, positions: list[int]) -> None:
    """Note that `new` is `old` with other objects at `positions` (and the same ones elsewhere); when `old`
    was itself made so from an older sequence, `new` is noted as made from that one."""
    before = swapped_from(old)
    if before is not None:
        old, positions = before[0], sorted(set(before[1]) | set(positions))
    _SWAPS[id(new)] = (new, old, positions)


def swapped_from(new: Sequence) -> tuple[Sequence, list[int]] | None:
    """(the sequence `new` was made from, the positions that differ), when noted."""
    hit = _SWAPS.get(id(new))
    return (hit[1], hit[2]) if hit is not None and hit[0] is new else None


def forget_swaps() -> None:
    """Drop the notes (at the start of each build: they compare one build's sequences with the last's)."""
    _SWAPS.clear()


def _swapped(new: Sequence, old: Sequence) -> list[int] | None:
    hit = _SWAPS.get(id(new))
    return hit[2] if hit is not None and hit[0] is new and hit[1] is old else None


def changed_at(new: Sequence, old: Sequence, *more: tuple[Sequence, Sequence]) -> list[int]:
    """The positions where `new` holds another object than `old` (or, for each further (new, old) pair,
    where that one does), found at C speed, or from note_swap; the sequences have the same length."""
    noted = [_swapped(n, o) for n, o in ((new, old), *more)]
    if all(positions is not None for positions in noted):
        return sorted(set().union(*noted))  # type: ignore[arg-type]
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
