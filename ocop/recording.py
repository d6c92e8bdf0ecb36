"""The Jinja environment of the build: it records by name everything a template reads (ocop.names), calls
plain functions and macros directly, and keys the fragments that pages share."""

from __future__ import annotations

from types import BuiltinFunctionType, FunctionType, MethodType

import jinja2
import jinja2.runtime
from jinja2.runtime import Macro

from .config import Config
from .names import BODY, BODY_FIELDS, ENTITY_NAMES
from .site import NamedMap, Site


_ABSENT = object()


class FastContext(jinja2.runtime.Context):
    """Jinja's template context, calling plain functions and macros directly: Jinja's general `call` looks
    for context-passing markers on every callable, a quarter of the rendering time of a catalog page."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        kind = type(__obj)
        if kind is Macro or kind is BuiltinFunctionType or (
                kind is FunctionType and "jinja_pass_arg" not in __obj.__dict__) or (
                kind is MethodType and "jinja_pass_arg" not in getattr(__obj.__func__, "__dict__", ())):
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")
        return jinja2.runtime.Context.call(__self, __obj, *args, **kwargs)


class RecordingEnvironment(jinja2.Environment):
    """A Jinja environment that notes, while `reads` is a set, the name of everything a template reads:
    an entity's field (its name), a site field, one key of a named mapping, a setting, a template."""

    reads: set[str] | None = None
    context_class = FastContext

    def note(self, obj: object, key: object = None, body: bool = False) -> None:
        """Record that `obj` (an entity, or the setting `key` of the Config) was read, or the long texts of a
        record (`body`); a NamedMap records itself."""
        reads = self.reads
        if reads is None:
            return
        kind = type(obj)
        namer = ENTITY_NAMES.get(kind)
        if namer is not None:
            reads.add(namer(obj) + BODY if body else namer(obj))
        elif kind is Config and isinstance(key, str):
            reads.add("config:" + key)

    def getattr(self, obj: object, attribute: str) -> object:
        reads = self.reads
        if reads is not None:
            kind = type(obj)
            namer = ENTITY_NAMES.get(kind)
            if namer is not None:  # the most common case first: a field of a product, producer, listing...
                reads.add(namer(obj) + BODY if attribute in BODY_FIELDS else namer(obj))
                try:
                    return getattr(obj, attribute)
                except AttributeError:
                    return self.undefined(obj=obj, name=attribute)
            if kind is Site:
                value = getattr(obj, attribute)
                if type(value) is not NamedMap:  # a named mapping records the keys read from it
                    reads.add("site:" + attribute)
                return value
            elif kind is Config:
                reads.add("config:" + attribute)
            elif kind is NamedMap:  # t.home: the key, looked up (and recorded by the map) once
                value = obj.get(attribute, _ABSENT)  # type: ignore[attr-defined]
                if value is not _ABSENT:
                    return value
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        return super().getattr(obj, attribute)

    def getitem(self, obj: object, argument: object) -> object:
        if self.reads is not None:
            if type(obj) is Site and isinstance(argument, str):
                return self.getattr(obj, argument)
            self.note(obj, argument)
        return super().getitem(obj, argument)

    def make_globals(self, d):  # type: ignore[override]
        """A template's globals as one plain dict, not Jinja's ChainMap over the environment's: every page's
        context and every {% import %} list a ChainMap's keys, 70 µs a page. The environment's globals are
        all set before the first template loads (ocop.render.make_environment)."""
        return {**self.globals, **(d or {})}

    def get_template(self, name, parent=None, globals=None):  # type: ignore[override]
        if self.reads is not None and isinstance(name, str):
            self.reads.add("template:" + name)
        return super().get_template(name, parent, globals)


def fragment_key(macro: object, args: tuple, lang: str) -> tuple | None:
    """What a shared fragment is made from: the macro, the language and its arguments by name, or None when
    an argument has no name (it is then made afresh)."""
    if type(macro) is not Macro:
        return None
    key: list[object] = [macro._func.__code__.co_filename, macro.name, lang]  # type: ignore[attr-defined]
    for arg in args:
        kind = type(arg)
        namer = ENTITY_NAMES.get(kind)
        if namer is not None:
            key.append(namer(arg))
        elif kind in (str, int, bool) or arg is None:
            key.append((kind.__name__, arg))
        elif kind is Site:
            key.append("site")  # one site a build
        elif kind is NamedMap:
            key.append(arg.name)  # type: ignore[attr-defined]
        else:
            return None
    return tuple(key)
