"""What a page reads while it renders, recorded; and the same reads replayed on the next build.

A page is a function of the template sources it loads and of the values it reads from its
context.  While a page renders with a `Reads` current, every value a template takes from
the context passes through `Tracked`, which notes the path it was reached by and what was
found there:

    ("site", "entries", ("#slice", None, 20, None), ("#item", 15), "title") → "…"

Plain values (texts, numbers, dates, paths, tuples of them) are handed out as they are;
anything else is handed out wrapped, so the reads below it are noted too.  Nothing is
listed by hand: a home page that shows 20 entries has read those 20 and the length of the
slice; a page that never touches `site.entries` does not depend on them.

`verify` follows the same paths in the next build's context: if every one gives the same
value and every template loaded has the same source, the page renders to the same bytes,
because a template sees nothing else.  (This is how Salsa and Adapton validate a memoised
query: by re-running its recorded reads, not by guessing its inputs.)

The record is small on disk because most reads are shared: what every page reads of the
site (navigation, sidebar) is grouped by its first two steps and interned, and a group is
verified once per build, not once per page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import operator
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from markupsafe import Markup

# SITE_BUILDER_NO_MEMO=1: no in-process memo at all (fragments, environments, slugs): the
# reference a cached build is compared with in the tests.
MEMOS = os.environ.get("SITE_BUILDER_NO_MEMO") != "1"
SCALARS = frozenset({int, float, bool, type(None), dt.date, dt.datetime, Decimal, Markup})
LONG = 160  # characters: a text read whole up to this length, its digest beyond
SHARED = frozenset({"site"})  # roots that are the same object for every page of a build
PROBES = frozenset({"jinja_pass_arg", "__html__", "__html_format__", "__call__",
                    "_fail_with_undefined_error", "__iter__", "__len__", "__getitem__"})
NODE = "#node"  # the token of a wrapped value: (NODE, type name)


def token(value: Any) -> Any:
    """What is compared: the value itself for a text, else its type and value; for
    anything that is not plain, None (it is wrapped instead)."""
    kind = type(value)
    if kind is str:  # a long text (a body) is kept as its digest: records stay small
        return value if len(value) <= LONG else ("#text", hashlib.blake2b(
            value.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest())
    if kind in SCALARS or isinstance(value, PurePath):
        return (kind.__name__, value)
    if kind is tuple or kind is list:
        if simple(value):  # texts and whole numbers only: the value is its own token
            return ("=" + kind.__name__, tuple(value))
        parts = []
        for item in value:
            part = token(item)
            if part is None:
                return None
            parts.append(part)
        return (kind.__name__, tuple(parts))
    if kind is dict:
        if simple(value) and simple(value.values()):
            return ("=dict", tuple(value.items()))
        items = []
        for key, item in value.items():
            k, v = token(key), token(item)
            if k is None or v is None:
                return None
            items.append((k, v))
        return ("dict", tuple(items))
    return None


def simple(values: Iterable[Any]) -> bool:
    """Only texts, whole numbers (not truth values) and tuples of them: values that are
    equal exactly when they print the same."""
    for item in values:
        kind = type(item)
        if not (kind is str or kind is int or (kind is tuple and simple(item))):
            return False
    return True


def node_token(value: Any) -> Any:
    """A value's token; for a wrapped one its type, and the digest of an entry (which
    stands for all of it: see same_tree)."""
    plain = token(value)
    if plain is not None:
        return plain
    kind = type(value)
    if kind is tuple and value and digested(type(value[0])):
        # a list of entries: its entries' digests stand for it (when they all have one)
        digests = [getattr(item, "digest", "") if digested(type(item)) else "" for item in value]
        if all(digests):
            return (NODE, "tuple", "\x1f".join(digests))
    digest = value.digest if digested(kind) else None
    return (NODE, kind.__name__, digest) if digest else (NODE, kind.__name__)


def digested(kind: type) -> bool:
    known = _DIGESTED.get(kind)
    if known is None:
        fields = getattr(kind, "__dataclass_fields__", {})
        known = _DIGESTED[kind] = "digest" in fields and fields["digest"].type in ("str", str)
    return known


# Model types whose `digest` field stands for all of the object: the digest of everything
# it was made from (Entry, ScoreYear).  Two objects with the same digest read the same.
_DIGESTED: dict[type, bool] = {}


def deep_digest(value: Any) -> str:
    """Every byte of a value (for reads no finer path describes: a hash, a JSON dump)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(unwrap(value))
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()


def depth(page_url: Any) -> int | None:
    """All a relative link needs of the page it is on: its folder depth."""
    return page_url.count("/") if isinstance(page_url, str) else None


def unwrap(value: Any) -> Any:
    return value._value if type(value) is Tracked else value


def replayable(value: Any) -> bool:
    """Can `value` stand in a recorded path (plain and hashable)?"""
    if token(value) is None:
        return False
    try:
        hash(value)
    except TypeError:
        return False
    return True


class Reads:
    """One page's reads: path → token, and template name → digest of its source."""

    __slots__ = ("groups", "opaque", "templates", "values")

    def __init__(self) -> None:
        self.values: dict[tuple, Any] = {}
        self.templates: dict[str, str] = {}
        self.groups: dict[int, tuple] = {}  # shared groups of the fragments it used, by id
        self.opaque = False  # a read that cannot be replayed: the page is never reused

    def root(self, name: str, value: Any) -> Any:
        return self.note((name,), value)

    def note(self, path: tuple, value: Any) -> Any:
        plain = token(value)
        if plain is not None:
            self.values[path] = plain
            return value
        if callable(value) and not hasattr(value, "__dataclass_fields__") and len(path) == 1:
            return value  # a global function (range, a macro): code, not data
        self.values[path] = node_token(value)
        return Tracked(value, path, self)

    def record(self, intern: dict) -> Record:
        """The reads, with the shared ones grouped and interned in `intern` (one per build
        or per worker), so that pages share the groups they read alike."""
        groups: dict[tuple, list] = {}
        own = []
        for path, value in self.values.items():
            if path[0] in SHARED:  # e.g. ("site", "months", ("#item", 3)): the sidebar's
                groups.setdefault(path[:3], []).append((path, value))  # groups, every page's
            else:
                own.append((path, value))
        shared = {id(g): g for g in (_intern(intern, tuple(group)) for group in groups.values())}
        shared.update(self.groups)
        templates = _intern(intern, tuple(sorted(self.templates.items())))
        return Record(templates, tuple(shared.values()), tuple(own), self.opaque, tree_of(own))


def _intern(table: dict, value: tuple) -> tuple:
    return table.setdefault(value, value)


class Record:
    """What is kept of a page's reads between builds: the templates, the shared groups,
    and the page's own reads as a tree of steps (`own`, flat, only while the build runs:
    a fragment's are charged to the pages that use it)."""

    __slots__ = ("given", "opaque", "own", "shared", "templates", "tree")

    def __init__(self, templates: tuple, shared: tuple, own: tuple, opaque: bool, tree: tuple):
        self.templates, self.shared, self.own, self.opaque = templates, shared, own, opaque
        self.tree = tree
        # The page's own roots as they were given, while this process keeps the record
        # (serve): the model is immutable, so the very same objects read the same.
        self.given: tuple | None = None

    def __reduce__(self) -> tuple:
        return (Record, (self.templates, self.shared, (), self.opaque, self.tree))


UNSET = ("#unset",)  # a step on the way to a read, not read itself


def tree_of(reads: tuple) -> tuple:
    """(path, token) pairs → ((step, token, children), …): each prefix once, so a replay
    takes each step once, from its parent's value, without hashing whole paths."""
    root: dict = {}
    for path, value in reads:
        node = root
        for step in path[:-1]:
            entry = node.get(step)
            if entry is None:
                entry = node[step] = [UNSET, {}]
            node = entry[1]
        entry = node.get(path[-1])
        if entry is None:
            node[path[-1]] = [value, {}]
        else:
            entry[0] = value

    def freeze(node: dict) -> tuple:
        return tuple((step, value, freeze(children)) for step, (value, children) in node.items())

    return freeze(root)


class Tracked:
    """A value handed to a template, noting every read through it."""

    __slots__ = ("_path", "_reads", "_value")

    def __init__(self, value: Any, path: tuple, reads: Reads):
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_reads", reads)

    def _note(self, step: Any, value: Any) -> Any:
        return self._reads.note((*self._path, step), value)

    def _fact(self, step: Any, value: Any) -> Any:
        """A read whose result is plain (a length, a truth value): noted, returned as is."""
        self._reads.values[(*self._path, step)] = node_token(value)
        return value

    def __getattr__(self, name: str) -> Any:
        if name in PROBES:  # Jinja and markupsafe asking what kind of object this is
            return getattr(self._value, name)
        try:
            value = getattr(self._value, name)
        except AttributeError:
            self._reads.values[(*self._path, name)] = ("#raise", "AttributeError")
            raise
        return self._note(name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("templates do not change the model")

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            step: Any = ("#slice", key.start, key.stop, key.step)
        else:
            key = unwrap(key)
            if not replayable(key):
                self._reads.opaque = True
            step = ("#item", key) if replayable(key) else ("#opaque",)
        try:
            value = self._value[key]
        except (LookupError, TypeError, AttributeError) as err:
            self._reads.values[(*self._path, step)] = ("#raise", type(err).__name__)
            raise
        return self._note(step, value)

    def __iter__(self) -> Iterator[Any]:
        value = self._value
        if isinstance(value, Mapping):
            keys = list(value)
            self._fact(("#keys",), tuple(keys))
            return iter(keys)
        items = list(value)
        self._fact(("#len",), len(items))
        return (self._note(("#item", n), item) for n, item in enumerate(items))

    def __reversed__(self) -> Iterator[Any]:
        return reversed(list(self))

    def __len__(self) -> int:
        return self._fact(("#len",), len(self._value))

    def __bool__(self) -> bool:
        return self._fact(("#bool",), bool(self._value))

    def __str__(self) -> str:
        return self._fact(("#str",), str(self._value))

    def __contains__(self, item: Any) -> bool:
        item = unwrap(item)
        if not replayable(item):
            self._reads.opaque = True
            return item in self._value
        return self._fact(("#in", item), item in self._value)

    def _compare(self, op: str, other: Any, result: Callable[[Any, Any], bool]) -> bool:
        if type(other) is Tracked:  # two model objects compared: both, whole
            self._reads.opaque = True
            return result(self._value, other._value)
        if not replayable(other):
            self._reads.opaque = True
            return result(self._value, other)
        return self._fact((op, other), result(self._value, other))

    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return self._compare("#eq", other, lambda a, b: a == b)

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return self._compare("#ne", other, lambda a, b: a != b)

    def __lt__(self, other: Any) -> bool:
        return self._compare("#lt", other, lambda a, b: a < b)

    def __le__(self, other: Any) -> bool:
        return self._compare("#le", other, lambda a, b: a <= b)

    def __gt__(self, other: Any) -> bool:
        return self._compare("#gt", other, lambda a, b: a > b)

    def __ge__(self, other: Any) -> bool:
        return self._compare("#ge", other, lambda a, b: a >= b)

    def __hash__(self) -> int:
        self._fact(("#deep",), deep_digest(self._value))
        return hash(self._value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raw_args, raw_kwargs = [], {}
        spec_args = []
        for arg in args:
            raw, spec = self._argument(arg)
            raw_args.append(raw)
            spec_args.append(spec)
        spec_kwargs = []
        for name in sorted(kwargs):
            raw, spec = self._argument(kwargs[name])
            raw_kwargs[name] = raw
            spec_kwargs.append((name, spec))
        step = ("#call", tuple(spec_args), tuple(spec_kwargs))
        try:
            value = self._value(*raw_args, **raw_kwargs)
        except Exception as err:
            self._reads.values[(*self._path, step)] = ("#raise", type(err).__name__)
            raise
        return self._note(step, value)

    def _argument(self, arg: Any) -> tuple[Any, Any]:
        """An argument as it is passed, and as a replay finds it again: a plain value, or
        the path of a wrapped one."""
        if type(arg) is Tracked:
            if arg._reads is not self._reads:
                self._reads.opaque = True
            return arg._value, ("#path", arg._path)
        if not replayable(arg):
            self._reads.opaque = True
            return arg, ("#opaque",)
        return arg, ("#value", arg)


# ---- replay -------------------------------------------------------------------------

MISSING = object()


def step(value: Any, how: Any, resolve: Callable[[tuple], Any]) -> Any:
    """Take one recorded step from `value`; exceptions are the caller's."""
    if type(how) is str:
        return getattr(value, how)
    kind = how[0]
    if kind == "#item":
        return value[how[1]]
    if kind == "#slice":
        return value[slice(how[1], how[2], how[3])]
    if kind == "#call":
        args = [resolve(spec[1]) if spec[0] == "#path" else spec[1] for spec in how[1]]
        kwargs = {name: resolve(spec[1]) if spec[0] == "#path" else spec[1]
                  for name, spec in how[2]}
        return value(*args, **kwargs)
    if kind == "#len":
        return len(value)
    if kind == "#bool":
        return bool(value)
    if kind == "#str":
        return str(value)
    if kind == "#keys":
        return tuple(value)
    if kind == "#in":
        return how[1] in value
    if kind == "#deep":
        return deep_digest(value)
    if kind == "#depth":
        return depth(value)
    comparisons = {"#eq": lambda a, b: a == b, "#ne": lambda a, b: a != b,
                   "#lt": lambda a, b: a < b, "#le": lambda a, b: a <= b,
                   "#gt": lambda a, b: a > b, "#ge": lambda a, b: a >= b}
    return comparisons[kind](value, how[1])


class Resolver:
    """Follows recorded paths in one context, each prefix once."""

    def __init__(self, roots: Mapping[str, Any]):
        self.roots = roots
        self.known: dict[tuple, Any] = {}

    def __call__(self, path: tuple) -> Any:
        known = self.known.get(path, MISSING)
        if known is not MISSING:
            return known
        if len(path) == 1:
            value = self.roots.get(path[0], MISSING)
            if value is MISSING:
                raise LookupError(path[0])
        else:
            value = step(self(path[:-1]), path[-1], self)
        self.known[path] = value
        return value

    def token(self, path: tuple) -> Any:
        try:
            return node_token(self(path))
        except Exception as err:  # the same failure as when it was recorded is a match
            return ("#raise", type(err).__name__)


def same_reads(reads: tuple, resolve: Resolver) -> bool:
    return all(same_token(resolve.token(path), value) for path, value in reads)


def same_token(got: Any, expected: Any) -> bool:
    """Equal, or another version of the same kind of entry (what is read of it decides)."""
    return got == expected or (type(got) is tuple and len(got) == 3 and type(expected) is tuple
                               and got[:2] == expected[:2])


def same_tree(value: Any, children: tuple, resolve: Callable[[tuple], Any],
              top: bool = False) -> bool:
    """Does every read under `value` give what it gave?  (`top`: `value` is the page's
    roots, a mapping, and the first steps are their names.)  A plain value that is the
    same, or an entry whose digest is the recorded one (the digest covers everything it
    was made from), is not looked into: nothing under it can differ."""
    for how, expected, below in children:
        try:
            found = value[how] if top else step(value, how, resolve)
        except Exception as err:
            if expected != ("#raise", type(err).__name__):
                return False
            continue
        got = node_token(found)
        if got != expected and expected is not UNSET:
            if not (type(got) is tuple and len(got) == 3 and got[:2] == expected[:2]):
                return False
            # another version of the entry: the same only if what was read of it is
        elif got == expected and (type(got) is not tuple or got[0] != NODE or len(got) == 3):
            continue  # the same plain value, or the very same entry: all below is the same
        if below and not same_tree(found, below, resolve):
            return False
    return True


class LazyResolver:
    """A Resolver made only when a replayed call needs a value by its path (rare)."""

    __slots__ = ("made", "roots")

    def __init__(self, roots: Mapping[str, Any]):
        self.roots, self.made = roots, None

    def __call__(self, path: tuple) -> Any:
        if self.made is None:
            self.made = Resolver(self.roots)
        return self.made(path)


class Verifier:
    """Checks records against one build: shared groups once each, templates once each."""

    def __init__(self, shared_roots: Mapping[str, Any], template_digest: Callable[[str], str]):
        self.intern: dict[tuple, tuple] = {}  # groups recorded in this build, shared
        self.shared = Resolver(shared_roots)
        self.groups: dict[int, bool] = {}
        self.template_digest = template_digest
        self.keep: list[tuple] = []  # the groups checked, alive while their ids are keys
        self.bad: set[int] = set()  # ids of the groups that read otherwise now

    def prepare(self, records: Iterable[Record]) -> None:
        """Check every group these records share, once each: a page then costs one set
        operation for its groups, not a loop (thousands of pages share a few hundred)."""
        groups: dict[int, tuple] = {}
        for record in records:
            groups.update(zip(map(id, record.shared), record.shared, strict=True))
            groups[id(record.templates)] = record.templates
        for key, group in groups.items():
            if key not in self.groups:
                self._check(key, group)

    def _check(self, key: int, group: tuple) -> bool:
        if group and not isinstance(group[0][0], tuple):  # (name, digest): templates
            fine = all(self.template_digest(name) == digest for name, digest in group)
        else:
            fine = same_reads(group, self.shared)
        self.groups[key] = fine
        self.keep.append(group)
        if not fine:
            self.bad.add(key)
        return fine

    def __call__(self, record: Record, roots: Mapping[str, Any], given: tuple = ()) -> bool:
        """`given`: the page's own roots as objects; when they are the very objects the
        record was made with (serve keeps records in memory), only the shared groups and
        templates need checking."""
        if record.opaque:
            return False
        known = self.groups
        if id(record.templates) in known and all(map(known.__contains__, map(id, record.shared))):
            if self.bad and (id(record.templates) in self.bad
                             or not self.bad.isdisjoint(map(id, record.shared))):
                return False
        else:
            for group in (record.templates, *record.shared):
                fine = known.get(id(group))
                if fine is None:
                    fine = self._check(id(group), group)
                if not fine:
                    return False
        if given and record.given is not None and len(given) == len(record.given) and \
                all(map(operator.is_, given, record.given)):
            return True
        return same_tree(roots, record.tree, LazyResolver(roots), top=True)  # roots: with the site


# ---- fragments: rendered once, used again wherever they would read the same -----------

INPUT = "#input:"  # the root a nested render gives a wrapped value of its caller's


class Fragments:
    """Rendered fragments (the sidebar, an entry's list item) of one build, each with what
    it read.  A call whose context would give the same reads gets the same HTML, and its
    page is charged with those reads: a fragment memo keyed on what the fragment read,
    not on a guess (such as the folder depth) of what it might read."""

    LIMIT = 16  # variants kept per fragment key

    def __init__(self, verify: Verifier):
        self.verify = verify
        self.made: dict[Any, list[tuple[Record, Any]]] = {}

    def render(self, key: Any, roots: Mapping[str, Any], make: Callable[[Mapping[str, Any]], Any]
               ) -> Any:
        """`make(roots)` — or the output of an earlier call whose reads `roots` give again."""
        outer = current()
        inputs = {name: value for name, value in roots.items() if type(value) is Tracked}
        plain = {name: unwrap(value) for name, value in roots.items()}
        given = {**plain, **{INPUT + name: value._value for name, value in inputs.items()}}
        for record, output in self.made.get(key, ()):
            if self.verify(record, given):
                charge(outer, record, inputs)
                return output
        nested = Reads()
        wrapped = {**plain, **{name: Tracked(value._value, (INPUT + name,), nested)
                               for name, value in inputs.items()}}
        with recording(nested):
            output = make(wrapped)
        record = nested.record(self.verify.intern)
        charge(outer, record, inputs)
        if not record.opaque:
            variants = self.made.setdefault(key, [])
            if len(variants) < self.LIMIT:
                variants.append((record, output))
        return output


def charge(outer: Reads | None, record: Record, inputs: Mapping[str, Tracked]) -> None:
    """Add a fragment's reads to the page that used it, each at the path the page reached
    the value by."""
    if outer is None:
        return
    outer.templates.update(record.templates)
    outer.opaque = outer.opaque or record.opaque
    for group in record.shared:  # interned: handed on whole
        outer.groups[id(group)] = group
    for path, value in record.own:
        root = path[0]
        if root.startswith(INPUT):
            source = inputs[root[len(INPUT):]]
            if source._reads is not outer:
                outer.opaque = True
            path = (*source._path, *path[1:])
        outer.values[path] = value


# ---- recording while rendering --------------------------------------------------------

CURRENT: list[Reads | None] = [None]


def current() -> Reads | None:
    return CURRENT[0]


@contextlib.contextmanager
def recording(reads: Reads | None) -> Iterator[Reads | None]:
    """Make `reads` the one templates note into (None: render without noting)."""
    before = CURRENT[0]
    CURRENT[0] = reads
    try:
        yield reads
    finally:
        CURRENT[0] = before
