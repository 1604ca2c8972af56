"""The Jinja2 environment: a project's templates/ over the packaged defaults.

Templates get the model and plain values and never compute or read files.
Every link goes through the `relurl` filter, so URLs stay relative and the
site works from any sub-path and straight from disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from .digests import tree_digest
from .incremental.reads import CURRENT, Tracked
from .markup import relurl
from .model import CLASSIFICATION_LABELS, STATUS_LABELS

if TYPE_CHECKING:  # Jinja2 itself is imported when an environment is made: a build
    from jinja2 import Environment  # that renders nothing never needs it
    from jinja2.runtime import Context


def default_templates_dir() -> Path:
    """The packaged defaults: inside the wheel, or the repository's top-level templates/."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def template_dirs(root: Path) -> list[Path]:
    dirs = [root / "templates", default_templates_dir()]
    return [d for d in dict.fromkeys(p.resolve() for p in dirs) if d.is_dir()]


def templates_digest(root: Path) -> str:
    """Names and bytes of every template and static file a build of `root` uses."""
    return tree_digest(*template_dirs(root))


_ENVIRONMENTS: dict[tuple[str, str], Environment] = {}


def make_environment(root: Path, digest: str = "") -> Environment:
    """The environment for a build of `root`.  Within one process (serve) the same
    environment, with its compiled templates, serves every build while the template
    files are the same (`digest`: their templates_digest, if the caller has it): the key
    is every byte the environment can load, so an edited template is never served stale."""
    from .incremental.reads import MEMOS

    dirs = template_dirs(root)
    if not MEMOS:
        return _environment(dirs)
    key = (str(root), digest or tree_digest(*dirs))
    env = _ENVIRONMENTS.get(key)
    if env is None:
        if len(_ENVIRONMENTS) >= 4:  # a project's site and newsletter; an edited template
            del _ENVIRONMENTS[next(iter(_ENVIRONMENTS))]
        env = _ENVIRONMENTS[key] = _environment(dirs)
    return env


def _environment(dirs: list[Path]) -> Environment:
    from jinja2 import (
        ChoiceLoader,
        Environment,
        FileSystemLoader,
        StrictUndefined,
        pass_context,
        select_autoescape,
    )
    from jinja2.runtime import Context, missing

    from .incremental.reads import Tracked, current, deep_digest, unwrap

    class NotingContext(Context):
        """Hands the page's context to its templates through incremental.reads, so what
        each page reads is noted while it renders (when a Reads is current)."""

        def resolve_or_missing(self, key: str) -> object:
            if key in self.vars:
                return self.vars[key]  # made by the template itself
            if key not in self.parent:
                return missing
            value = self.parent[key]
            reads = current()
            if reads is None or type(value) is Tracked:
                return value
            return reads.root(key, value)

    class NotingEnvironment(Environment):
        """Notes the name and source digest of every template a page loads."""

        context_class = NotingContext

        def _load_template(self, name, globals):  # type: ignore[no-untyped-def]
            template = super()._load_template(name, globals)
            reads = current()
            if reads is not None:
                reads.templates[name] = source_digest(self, name)
            return template

    def dumps(value: object, **kwargs: object) -> str:
        import json

        if type(value) is Tracked:
            value._fact(("#deep",), deep_digest(value))  # the whole value is shown
        return json.dumps(unwrap(value), **kwargs)  # type: ignore[arg-type]

    env = NotingEnvironment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in dirs]),
        autoescape=select_autoescape(("html", "xml"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # keyed by the templates' bytes: no need to stat them per page
    )
    env.filters["relurl"] = pass_context(_relurl)
    env.globals["fragment"] = pass_context(_fragment)
    env.globals["item"] = pass_context(_item)
    env.filters["cndate"] = lambda d: f"{d.year}年{d.month}月{d.day}日"
    env.globals["status_labels"] = STATUS_LABELS
    env.globals["classification_labels"] = CLASSIFICATION_LABELS
    env.policies["json.dumps_function"] = dumps
    return env


def source_digest(env: Environment, name: str) -> str:
    """The digest of the source `name` loads in `env` (once per environment: an
    environment lives only while its templates' bytes are the same)."""
    digests = env.__dict__.setdefault("_source_digests", {})
    known = digests.get(name)
    if known is None:
        import hashlib

        assert env.loader is not None
        source, filename, _ = env.loader.get_source(env, name)
        known = digests[name] = hashlib.blake2b(
            f"{filename}\0{source}".encode(), digest_size=16).hexdigest()
    return known


def _relurl(context: Context, target: str) -> str:
    # A relative link depends on the page's folder depth only: note just that.
    page = context.vars.get("page_url", _NONE)
    if page is _NONE:
        page = context.parent.get("page_url")
    if type(page) is Tracked:
        page = page._value
    reads = CURRENT[0]
    if reads is not None:
        reads.values[_DEPTH] = ("int", page.count("/")) if page is not None else ("NoneType", None)
    if page is None:  # 404.html is served at any depth: link from base_url instead
        return context["site"].config.base_url + target
    return relurl(page, target)


_NONE = object()
_DEPTH = ("page_url", ("#depth",))


def _fragment(context: Context, name: str) -> Markup:
    """Render a template (e.g. the sidebar) with the page's context: an include that a
    project template can call as a function.  Within a build, a call whose context gives
    the same reads as an earlier one's gets its HTML (incremental.reads.Fragments)."""
    env = context.environment

    def make(roots: Mapping[str, object]) -> Markup:
        return Markup(env.get_template(name).render(roots))

    memo = env.__dict__.get("fragments")
    roots = context.get_all()
    return make(roots) if memo is None else memo.render(("fragment", name), roots, make)


def _item(context: Context, entry: object, show_summary: bool = True) -> Markup:
    """The `entry_item` macro of _macros.html, with the page's context (memoised as
    fragments are: an entry shows in five or six lists, at one depth all alike)."""
    from .incremental.reads import Reads, Tracked, unwrap

    env = context.environment
    if type(entry) is not Tracked:  # the fragment notes what it reads of its entry
        entry = Tracked(entry, ("_item_entry",), Reads())

    def make(roots: Mapping[str, object]) -> Markup:
        given = dict(roots)
        item = given.pop("_item_entry")
        macros = env.get_template("_macros.html").make_module(given)
        return Markup(macros.entry_item(item, show_summary=show_summary))

    memo = env.__dict__.get("fragments")
    roots = {**context.get_all(), "_item_entry": entry}
    if memo is None:
        return make({**roots, "_item_entry": unwrap(entry)})
    raw = unwrap(entry)
    return memo.render(("item", getattr(raw, "url", id(raw)), show_summary), roots, make)


def static_files(root: Path) -> dict[str, Path]:
    """site path → source file for static assets; a project's file overrides the default."""
    files: dict[str, Path] = {}
    for base in reversed(template_dirs(root)):
        static = base / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files["static/" + path.relative_to(static).as_posix()] = path
    return files
