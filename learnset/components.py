"""The templates' Jinja environment, and memoised NHS.UK components.

The nhsuk-frontend-jinja macros are pure functions of their parameters but cost 0.1 to 1 ms
each to render, which made them most of a page's time. Each macro of each component is
wrapped so that a call with the same parameters returns the HTML rendered before. Templates
keep importing the macros as usual (`{% from "nhsuk/components/x/macro.jinja" import x %}`).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import MutableMapping
from functools import lru_cache
from importlib.resources import files
from typing import Any

from flask.templating import Environment as FlaskEnvironment
from jinja2 import Environment, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Macro
from markupsafe import Markup

CACHE_SIZE = 4096


class _Globals(ChainMap[str, Any]):
    """A template's globals over the environment's, as Jinja keeps them, with keys compared in C.

    Every `{% from ... import ... %}` compares the importing template's globals with the
    imported one's keys (`jinja2.Template._get_default_module`); through ChainMap's own
    `keys()` that is a Python-level membership test per global, about 0.1 ms an import and
    a dozen imports a page.
    """

    def _shared_only(self) -> bool:
        # Nearly every template has no globals of its own: then its keys are the environment's.
        return not self.maps[0] and len(self.maps) == 2

    def keys(self) -> Any:
        if self._shared_only():
            return self.maps[1].keys()
        return dict.fromkeys(self).keys()

    def __iter__(self) -> Any:
        # Jinja also copies a template's keys into a set each time it renders it.
        if self._shared_only():
            return iter(self.maps[1])
        return super().__iter__()


class TemplateEnvironment(FlaskEnvironment):
    """Flask's Jinja environment, whose templates' globals compare quickly on import."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _Globals({} if d is None else d, self.globals)


class Uncacheable(Exception):
    """Parameters that cannot be frozen into a key (an Undefined, an object): call through."""


# Exactly these types are their own key; subclasses (Markup, an IntEnum) take the longer road.
_PLAIN = frozenset({str, bool, int, float, type(None)})


def freeze(value: Any) -> Any:
    """A hashable key that keeps every distinction rendering depends on, Markup versus text too."""
    # The header's parameters are a few dozen plain values on every page: their type first.
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Markup):
        return ("markup", str(value))
    if isinstance(value, str | bool | int | float):
        return value
    # A plain value inside is its own key too: tested here rather than in a call of its own,
    # as a select's or checkboxes' items are dozens of small dicts of plain values.
    if isinstance(value, dict):
        return (
            "dict",
            tuple(
                sorted([(str(k), v if type(v) in _PLAIN else freeze(v)) for k, v in value.items()])
            ),
        )
    if isinstance(value, list | tuple):
        return ("list", tuple([item if type(item) in _PLAIN else freeze(item) for item in value]))
    raise Uncacheable(type(value).__name__)


def thaw(key: Any) -> Any:
    if isinstance(key, tuple):
        kind, content = key
        if kind == "markup":
            return Markup(content)  # noqa: S704 - it was Markup when it was frozen
        if kind == "dict":
            return {k: thaw(v) for k, v in content}
        return [thaw(item) for item in content]
    return key


def _memoised(macro: Macro) -> Any:
    @lru_cache(maxsize=CACHE_SIZE)
    def render(autoescape: bool, key: Any) -> str:
        eval_ctx = EvalContext(macro._environment)
        eval_ctx.autoescape = autoescape
        return macro(eval_ctx, thaw(key))

    # Like Macro itself, take the caller's eval context: it decides whether output is Markup.
    @pass_eval_context
    def call(eval_ctx: EvalContext, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != 1:
            return macro(eval_ctx, *args, **kwargs)
        try:
            key = freeze(args[0])
        except Uncacheable:
            return macro(eval_ctx, *args)
        return render(eval_ctx.autoescape, key)

    call.cache = render  # type: ignore[attr-defined]  # a function attribute, for cache_info()
    return call


def memoise_components(env: Environment) -> int:
    """Wrap every NHS.UK component macro in the environment's cached modules; returns how many."""
    components = files("nhsuk_frontend_jinja").joinpath("templates/nhsuk/components")
    wrapped = 0
    for folder in components.iterdir():
        if not folder.joinpath("macro.jinja").is_file():
            continue
        module = env.get_template(f"nhsuk/components/{folder.name}/macro.jinja").module
        for name, value in list(vars(module).items()):
            if isinstance(value, Macro):
                setattr(module, name, _memoised(value))
                wrapped += 1
    return wrapped


def memoise_macros(env: Environment, template: str, names: tuple[str, ...]) -> None:
    """Wrap some of a template's own macros as the components are: only macros whose HTML
    depends on nothing but their one argument, a plain value (a kind, a count), never on the
    request, the person or the page."""
    module = env.get_template(template).module
    for name in names:
        macro = getattr(module, name)
        if not isinstance(macro, Macro):
            raise TypeError(f"{template} has no macro {name}")
        setattr(module, name, _memoised(macro))
