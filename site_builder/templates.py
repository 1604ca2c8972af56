"""The Jinja2 environment: a project's templates/ over the packaged defaults.

Templates get the model and plain values and never compute or read files.
Every link goes through the `relurl` filter, so URLs stay relative and the
site works from any sub-path and straight from disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from .cache import tree_digest
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


_ENVIRONMENTS: dict[tuple[str, str, str], Environment] = {}


def templates_digest(root: Path) -> str:
    """Names and bytes of every template and static file a build of `root` uses."""
    return tree_digest(*template_dirs(root))


def make_environment(root: Path, bytecode: Path | None = None, digest: str = "") -> Environment:
    """The environment for a build of `root`.  Compiled templates are kept in `bytecode`
    (the build cache's folder) between runs, and within one process (serve) the same
    environment serves every build while the templates stay the same (`digest`: their
    templates_digest, if the caller has it already)."""
    dirs = template_dirs(root)
    key = (str(root), str(bytecode), digest or tree_digest(*dirs))
    env = _ENVIRONMENTS.get(key)
    if env is None:
        if len(_ENVIRONMENTS) >= 4:  # a project's site and newsletter; an edited template
            del _ENVIRONMENTS[next(iter(_ENVIRONMENTS))]
        env = _ENVIRONMENTS[key] = _environment(dirs, bytecode)
    env.__dict__.pop("_fragments", None)  # fragments are per build (they show the site)
    return env


def _environment(dirs: list[Path], bytecode: Path | None) -> Environment:
    from jinja2 import (
        ChoiceLoader,
        Environment,
        FileSystemBytecodeCache,
        FileSystemLoader,
        StrictUndefined,
        pass_context,
        select_autoescape,
    )

    cache = None
    if bytecode is not None:
        bytecode.mkdir(parents=True, exist_ok=True)
        cache = FileSystemBytecodeCache(str(bytecode))
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in dirs]),
        bytecode_cache=cache,
        autoescape=select_autoescape(("html", "xml"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to stat templates per page
    )
    env.filters["relurl"] = pass_context(_relurl)
    env.globals["fragment"] = pass_context(_fragment)
    env.globals["item"] = pass_context(_item)
    env.filters["cndate"] = lambda d: f"{d.year}年{d.month}月{d.day}日"
    env.globals["status_labels"] = STATUS_LABELS
    env.globals["classification_labels"] = CLASSIFICATION_LABELS
    return env


def _relurl(context: Context, target: str) -> str:
    page = context.get("page_url")
    if page is None:  # 404.html is served at any depth: link from base_url instead
        return context["site"].config.base_url + target
    return relurl(page, target)


def _fragment(context: Context, name: str) -> Markup:
    """Render a template fragment that depends only on the page's folder depth (e.g. the
    sidebar) once per depth and build, instead of once per page."""
    page = context.get("page_url")
    key = (name, None if page is None else page.count("/"))
    cache = context.environment.__dict__.setdefault("_fragments", {})
    if key not in cache:
        cache[key] = Markup(context.environment.get_template(name).render(context.get_all()))
    return cache[key]


def _item(context: Context, entry: object, show_summary: bool = True) -> Markup:
    """The `entry_item` macro of _macros.html, rendered once per entry, folder depth and
    build: an entry shows in five or six lists, and at one depth they are all alike."""
    page = context.get("page_url")
    depth = None if page is None else page.count("/")
    cache = context.environment.__dict__.setdefault("_fragments", {})
    key = ("item", id(entry), depth, show_summary)
    if key not in cache:
        macros = cache.get(("macros", depth))
        if macros is None:
            macros = cache[("macros", depth)] = context.environment.get_template(
                "_macros.html").make_module(context.get_all())
        cache[key] = Markup(macros.entry_item(entry, show_summary=show_summary))
    return cache[key]


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
