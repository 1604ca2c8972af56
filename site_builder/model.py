"""The immutable model every stage after the loaders works on.

Tuples, not lists; ids, not object graphs; `dataclasses.replace` for a changed copy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Status = Literal["draft", "review", "approved"]
Classification = Literal["internal", "public"]

STATUSES: tuple[str, ...] = ("draft", "review", "approved")
CLASSIFICATIONS: tuple[str, ...] = ("internal", "public")
ADOPTION_LEVELS: tuple[str, ...] = ("county", "city", "province", "ministry")
ADOPTION_KINDS: tuple[str, ...] = ("article", "photo", "video")
AWARD_LEVELS: tuple[str, ...] = ("national", "regional", "city")
AWARD_KINDS: tuple[str, ...] = ("news", "culture")
SHOWCASE_LEVELS: tuple[str, ...] = ("national", "regional", "city")
# Outside media by level (`stats`; site.yaml `outlets:`).  The seven central outlets are
# the rule book's (seed 003, 外宣刊稿): 中央主要媒体, built in.
OUTLET_LEVELS: tuple[str, ...] = ("central", "provincial", "city", "other")
CENTRAL_OUTLETS: tuple[str, ...] = ("人民日报", "新华社", "求是", "央视总台", "光明日报", "经济日报",
                                    "学习强国")

def by_constructor(cls: type) -> type:
    """Pickle a frozen slots dataclass by its constructor's arguments.  By default it goes
    through a Python-level __setstate__, twice as slow; the build cache holds thousands."""
    def __reduce__(self: object) -> tuple:
        return (type(self), tuple([getattr(self, name) for name in cls.__match_args__]))

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


STATUS_LABELS = {"draft": "草稿", "review": "待审", "approved": "已审"}
CLASSIFICATION_LABELS = {"internal": "内部", "public": "公开"}


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str
    aliases: tuple[str, ...] = ()


NO_DEPARTMENT = Department("", "未填单位")  # of a draft that names none yet


@dataclass(frozen=True, slots=True)
class NewsletterConfig:
    title: str = "工作简报"
    issuer: str = ""
    distribution: tuple[tuple[str, tuple[str, ...]], ...] = ()
    copies: int = 0
    fonts: tuple[tuple[str, str], ...] = ()  # role (title/body/sans/kai) → font family
    numbers: tuple[tuple[str, int], ...] = ()  # "YYYY-MM" → pinned issue number
    dates: tuple[tuple[str, dt.date], ...] = ()  # "YYYY-MM" → issue date (default: month's end)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    root: Path
    title: str
    departments: tuple[Department, ...]
    organization: str = ""
    base_url: str = "/"
    columns: tuple[str, ...] = ("教育整顿进行时",)
    types: tuple[tuple[str, str], ...] = (
        ("briefing", "工作动态"), ("model-figure", "先进典型"), ("work-summary", "工作总结"))
    default_status: Status = "approved"
    newsletter: NewsletterConfig = field(default_factory=NewsletterConfig)
    scoring: Path | None = None
    page_size: int = 20
    scores_public: bool = False  # show score standings in a --public build too
    require_reviewer: bool = False  # an approved entry without a reviewer is an error
    url: str = ""  # the intranet site's full address ("" not given): absolute feed, sitemap
    public_url: str = ""  # the same for the public edition
    outlets: tuple[tuple[str, str], ...] = ()  # outlet name → level (OUTLET_LEVELS), registered
    inbox: Path | None = None  # where `serve` picks up Word submissions; None: root/inbox

    @property
    def inbox_dir(self) -> Path:
        return self.inbox or self.root / "inbox"

    @property
    def type_labels(self) -> dict[str, str]:
        return dict(self.types)

    def department(self, dept_id: str) -> Department:
        """The registered department; "" (a draft that names none yet) is 未填单位."""
        if not dept_id:
            return NO_DEPARTMENT
        return next(d for d in self.departments if d.id == dept_id)

    @property
    def department_index(self) -> dict[str, str]:
        """Every id, name and alias → the department id."""
        return {label: d.id for d in self.departments for label in (d.id, d.name, *d.aliases)}

    @property
    def content_dir(self) -> Path:
        return self.root / "content"


@by_constructor
@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    unit: str = ""
    title: str = ""
    honors: tuple[str, ...] = ()


@by_constructor
@dataclass(frozen=True, slots=True)
class Adoption:
    level: str
    date: dt.date
    kind: str = "article"
    channel: str = ""
    line: int | None = None


@by_constructor
@dataclass(frozen=True, slots=True)
class Placement:
    outlet: str
    date: dt.date
    section: str = ""
    url: str = ""
    line: int | None = None


@by_constructor
@dataclass(frozen=True, slots=True)
class Award:
    level: str
    name: str
    date: dt.date
    kind: str = "news"
    line: int | None = None


@by_constructor
@dataclass(frozen=True, slots=True)
class Showcase:
    level: str
    platform: str
    date: dt.date
    line: int | None = None


@by_constructor
@dataclass(frozen=True, slots=True)
class Entry:
    source: Path  # absolute path of the .md file, as found under content/
    title: str
    date: dt.date
    type: str
    department: str  # a department id; names and aliases are resolved on load
    slug: str
    body_md: str
    column: str
    status: Status = "approved"
    classification: Classification = "internal"
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""  # given in front-matter; otherwise filled from the body
    cover: Path | None = None  # absolute, inside the project
    cover_caption: str = ""  # the cover's 图片说明 with its credit; "": none given
    reviewer: str = ""
    figure: Figure | None = None
    adoptions: tuple[Adoption, ...] = ()
    placements: tuple[Placement, ...] = ()
    awards: tuple[Award, ...] = ()
    showcases: tuple[Showcase, ...] = ()
    body_line: int = 1  # file line where the Markdown body starts
    front_matter: str = ""  # the raw YAML, for review lints that point at a line
    front_line: int = 2  # file line of the front-matter's first line
    approval: str = ""  # who approved publishing a disciplinary case outside, and when
    acknowledge: tuple[str, ...] = ()  # review findings the editor has confirmed
    # The digest of everything the entry was made from: as loaded, the file's bytes and
    # name and site.yaml; as an Article, also its URL and what its links resolved to.
    # Two entries with the same digest are the same, field for field (incremental/reads.py
    # relies on it).  "" = unknown: whoever copies an entry with other values must reset
    # it (dataclasses.replace).
    digest: str = ""
    real: str = ""  # the file's real path when a symbolic link leads to it; "": `source`
    # What a draft or review entry still lacks or has wrong (front-matter keys): its
    # problems are warnings until it is approved, and it is shown only in the preview,
    # with stand-ins (the file name as title, its folder's month as date, no department).
    missing: tuple[str, ...] = ()

    @property
    def real_path(self) -> str:
        """The file's path with every symbolic link resolved, as Links compares targets."""
        return self.real or str(self.source)

    @property
    def month(self) -> str:
        return self.date.isoformat()[:7]  # "YYYY-MM"; quicker than formatting, called often


@by_constructor
@dataclass(frozen=True, slots=True)
class Article(Entry):
    """An entry as published: what rendering adds to what the loader read (site.py)."""

    url: str = ""  # site-relative path of the page, e.g. "2024/03/slug.html"
    body_html: str = ""  # the body, rendered, sanitised, its links resolved
    cover_url: str = ""  # site-relative path of the published cover image, or ""

    @classmethod
    def of(cls, entry: Entry, **added: object) -> Article:
        """`entry` with what rendering adds (and a new digest, summary… if given)."""
        fields = {name: getattr(entry, name) for name in Entry.__match_args__}
        return cls(**{**fields, **added})  # type: ignore[arg-type]
