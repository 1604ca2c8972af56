"""The build cache can make a build faster, never different: every cached build is compared
byte for byte with a full build of the same project."""

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import PNG, entry

from site_builder import build, load_project
from site_builder.errors import BuildError
from site_builder.incremental import site_files as writer_module
from site_builder.incremental.entries import load_project as load_cached_project
from site_builder.incremental.store import BuildCache
from site_builder.search import shard_of


def tree(root: Path) -> dict[str, bytes]:
    """Every output file's bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def cached_build(root: Path, **kwargs):
    cache = BuildCache(root)
    return build(load_cached_project(cache, root), pdf=False, cache=cache, **kwargs)


def full_build(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """A --no-cache build of a copy of the project, for comparison."""
    copy = tmp_path / "full"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("output", ".cache"))
    build(load_project(copy), pdf=False)
    return tree(copy / "output/site")


@pytest.fixture
def project(make_project):
    entries = {f"2024-0{m}/e{m}{n}.md": entry(f"第{m}月第{n}篇正文。", title=f"{m}月稿件{n}",
                                              date=f"2024-0{m}-1{n}", tags=[f"标签{n}"], reviewer="王")
               for m in (1, 2, 3) for n in (1, 2, 3)}
    entries["2024-03/pic.md"] = entry("![现场](p.png)", title="有图的稿件", date="2024-03-20",
                                      reviewer="王")
    root = make_project(entries=entries, files={"content/2024-03/p.png": PNG})
    cached_build(root)
    return root


def test_no_change_renders_nothing_and_changes_nothing(project, tmp_path):
    before = tree(project / "output/site")
    report = cached_build(project)
    assert report.rendered == 0
    assert tree(project / "output/site") == before
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_an_edited_body_rerenders_its_page_and_the_pages_that_show_it(project, tmp_path):
    path = project / "content/2024-02/e22.md"
    path.write_text(entry("改过的正文。", title="2月稿件2", date="2024-02-12", tags=["标签2"],
                          reviewer="王"), encoding="utf-8")
    report = cached_build(project)
    # its page, home, search, and its column, type, department, tag and month lists (which
    # show its summary); not the archive or its neighbours, which show only titles
    assert report.rendered == 8
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_a_cache_kept_in_memory_from_build_to_build_gives_the_same_pages(project, tmp_path):
    """As in serve: one BuildCache kept in memory from build to build."""
    cache = BuildCache(project, deferred=True)
    build(load_cached_project(cache, project), pdf=False, cache=cache)
    path = project / "content/2024-02/e22.md"
    for n, (title, date) in enumerate((("改过的标题", "2024-02-12"), ("2月稿件2", "2024-02-12"),
                                       ("改过的标题", "2024-03-05"), ("改过的标题", "2024-02-14"),
                                       ("改过的标题", "2024-02-12"))):
        path.write_text(entry(f"第{n}次改过的正文。", title=title, date=date,
                              tags=["标签2"], reviewer="王"), encoding="utf-8")
        build(load_cached_project(cache, project), pdf=False, cache=cache)
        assert tree(project / "output/site") == full_build(project, tmp_path)
    assert len(cache.finished) == 10  # what the last build did not use is dropped


def test_a_body_edit_leaves_the_pages_that_do_not_read_it_in_place(project, tmp_path):
    """The neighbours show the edited entry's title and URL, not its body: their pages
    are not rendered again (what each page read is recorded and replayed)."""
    cache = BuildCache(project, deferred=True)
    build(load_cached_project(cache, project), pdf=False, cache=cache)
    site = project / "output/site"
    pages = ("2024/02/e21.html", "2024/02/e22.html", "2024/02/e23.html", "archive/index.html")
    before = {page: (site / page).stat().st_mtime_ns for page in pages}
    path = project / "content/2024-02/e22.md"
    path.write_text(entry("改过的正文。", title="2月稿件2", date="2024-02-12", tags=["标签2"],
                          reviewer="王"), encoding="utf-8")
    time.sleep(0.01)
    build(load_cached_project(cache, project), pdf=False, cache=cache)
    after = {page: (site / page).stat().st_mtime_ns for page in pages}
    assert [p for p in pages if after[p] != before[p]] == ["2024/02/e22.html"]
    assert tree(site) == full_build(project, tmp_path)


def test_a_new_day_in_the_same_month_reaches_the_sitemap_in_serve(project, tmp_path):
    """The newest entry moves two days on: its URL and place stay, its lastmod does not."""
    cache = BuildCache(project, deferred=True)
    build(load_cached_project(cache, project), pdf=False, cache=cache)
    path = project / "content/2024-03/pic.md"
    path.write_text(entry("![现场](p.png)", title="有图的稿件", date="2024-03-22", reviewer="王"),
                    encoding="utf-8")
    build(load_cached_project(cache, project), pdf=False, cache=cache)
    assert "<lastmod>2024-03-22</lastmod>" in (project / "output/site/sitemap.xml").read_text()
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_a_new_title_reaches_the_neighbours(project, tmp_path):
    path = project / "content/2024-02/e22.md"
    path.write_text(entry("第2月第2篇正文。", title="新的标题", date="2024-02-12", tags=["标签2"],
                          reviewer="王"), encoding="utf-8")
    cached_build(project)
    site = tree(project / "output/site")
    assert "新的标题" in site["2024/02/e21.html"].decode()  # prev/next link text
    assert site == full_build(project, tmp_path)


def test_a_changed_template_rerenders_what_uses_it(project, tmp_path):
    (project / "templates").mkdir()
    (project / "templates/404.html").write_text("<p>自定义 {{ site.title }}</p>", encoding="utf-8")
    report = cached_build(project)
    assert report.rendered == 1  # no other page loads 404.html
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_a_changed_site_yaml_rerenders_everything(project, tmp_path):
    site_yaml = project / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("测试简报", "新的站名"),
                         encoding="utf-8")
    report = cached_build(project)
    assert report.rendered == report.pages
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_a_renamed_unit_reaches_every_page_in_serve(project, tmp_path):
    """The entries' cards stay (they name the unit by id), site.yaml does not: serve's next
    build lays the site out again instead of keeping last build's lists."""
    cache = BuildCache(project, deferred=True)
    build(load_cached_project(cache, project), pdf=False, cache=cache)
    site_yaml = project / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    site_yaml.write_text(text.replace("name: 交管大队", "name: 交通管理大队")
                         .replace("- 交警大队", "- 交警大队\n  - 交管大队"), encoding="utf-8")
    build(load_cached_project(cache, project), pdf=False, cache=cache)
    page = (project / "output/site/departments/jiaoguan/index.html").read_text(encoding="utf-8")
    assert "交通管理大队" in page
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_a_replaced_image_is_copied_again(project, tmp_path):
    (project / "content/2024-03/p.png").write_bytes(PNG + b"changed")
    cached_build(project)
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_a_deleted_entry_disappears(project, tmp_path):
    (project / "content/2024-01/e11.md").unlink()
    cached_build(project)
    site = tree(project / "output/site")
    assert "2024/01/e11.html" not in site
    assert site == full_build(project, tmp_path)


def test_a_corrupt_cache_is_ignored(project, tmp_path):
    (project / ".cache/intranet.pickle").write_bytes(b"not a pickle at all")
    report = cached_build(project)
    assert report.rendered == report.pages
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_an_output_file_changed_by_hand_is_made_again(project, tmp_path):
    page = project / "output/site/2024/01/e11.html"
    page.write_text("被手工改坏的页面", encoding="utf-8")
    cached_build(project)
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_parallel_rendering_gives_the_same_bytes_as_one_process(make_project, tmp_path):
    entries = {f"a{n:03d}.md": entry(f"正文{n}。" * 20, title=f"稿件{n}", date=f"2024-0{n % 9 + 1}-10",
                                     tags=[f"标签{n % 7}"], reviewer="王") for n in range(220)}
    one = make_project(entries=entries, root=tmp_path / "one")
    two = make_project(entries=entries, root=tmp_path / "two")
    build(load_project(one), pdf=False, jobs=1)
    build(load_project(two), pdf=False, jobs=2)
    assert tree(one / "output/site") == tree(two / "output/site")


def test_an_edit_rewrites_a_bounded_number_of_index_files(project, tmp_path):
    """Its entry's text file and the shards of the tokens it gained or lost; nothing else."""
    search = project / "output/site/search"

    def files() -> dict[str, tuple[int, bytes]]:
        return {p.relative_to(search).as_posix(): (p.stat().st_ino, p.read_bytes())
                for p in search.rglob("*.js")}

    before = files()
    path = project / "content/2024-02/e22.md"
    path.write_text(entry("第2月第2篇正文。青石乡", title="2月稿件2", date="2024-02-12", tags=["标签2"],
                          reviewer="王"), encoding="utf-8")
    cached_build(project)
    after = files()
    changed = {name for name in after if after[name] != before.get(name)}
    texts = [name for name in changed if name.startswith("text/")]
    assert len(texts) == 1 and "青石乡" in after[texts[0]][1].decode()
    gained = {"文青", "青石", "石乡"}  # the new bigrams (folded: 。 is no character of the index)
    shards = {f"index/{shard_of(token):03x}.js" for token in gained}
    assert changed - set(texts) <= shards and len(changed) <= 1 + len(gained)
    assert before.keys() - after.keys() == set()
    page = (project / "output/site/search/index.html").read_text(encoding="utf-8")
    assert re.search(r'"version": "[0-9a-f]{10}"', page)
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_a_cached_rebuild_patches_the_live_output_in_place(project, tmp_path):
    """Unchanged files stay the very same files (no copy, no re-link); a deleted entry's
    folder goes; the result is byte for byte a full build."""
    site = project / "output/site"
    inodes = {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    (project / "content/2024-03/e33.md").write_text(
        entry("改过的正文。", title="3月稿件3", date="2024-03-13", tags=["标签3"], reviewer="王"),
        encoding="utf-8")
    cached_build(project)
    same = {p for p, ino in inodes.items() if p.stat().st_ino == ino}
    assert site / "2024/02/e21.html" in same and site / "static/style.css" in same
    assert site / "2024/03/e33.html" not in same
    assert tree(site) == full_build(project, tmp_path)
    (project / "content/2024-01/e11.md").unlink()
    cached_build(project)
    assert not (site / "2024/01/e11.html").exists() and (site / "2024/01/e12.html").is_file()
    assert tree(site) == full_build(project, tmp_path)


def test_a_failed_patch_leaves_the_live_output_intact(project, monkeypatch):
    before = tree(project / "output/site")
    (project / "content/2024-03/e33.md").write_text(
        entry("改过的正文。", title="3月稿件3", date="2024-03-13", reviewer="王"), encoding="utf-8")
    (project / "content/2024-01/e11.md").unlink()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(writer_module, "sitemap", crash)
    with pytest.raises(BuildError):
        cached_build(project)
    assert tree(project / "output/site") == before
    assert not [p for p in (project / "output").iterdir() if p.name.startswith(".")]


def test_an_output_file_deleted_by_hand_is_made_again(project, tmp_path):
    (project / "output/site/2024/02/e21.html").unlink()
    (project / "output/site/static/style.css").unlink()
    cached_build(project)
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_a_build_that_changes_nothing_leaves_the_cache_file_alone(project):
    saved = project / ".cache/intranet.pickle"
    before = saved.stat().st_mtime_ns
    cached_build(project)
    assert saved.stat().st_mtime_ns == before
    (project / "content/2024-02/e22.md").write_text(
        entry("改过的正文。", title="2月稿件2", date="2024-02-12", tags=["标签2"], reviewer="王"),
        encoding="utf-8")
    cached_build(project)
    assert saved.stat().st_mtime_ns != before


def test_pickle_digest_depends_on_values_not_on_shared_objects():
    from site_builder.digests import pickle_digest

    word = "".join(["交管", "大队"])
    shared = (word, word)
    separate = ("交管大队", "".join(["交管", "大队"]))
    assert shared[0] is shared[1] and separate[0] is not separate[1]
    assert pickle_digest(shared) == pickle_digest(separate)
    assert pickle_digest(("交管大队", "刑侦大队")) != pickle_digest(("刑侦大队", "交管大队"))


def test_settled_files_with_the_same_size_and_time_are_not_read_again(project, monkeypatch, tmp_path):
    hour_ago = time.time() - 3600
    for path in (project / "content").rglob("*.md"):
        os.utime(path, (hour_ago, hour_ago))
    cached_build(project)  # records size, time and inode of every file
    reads: list[str] = []
    real_read = Path.read_bytes

    def counting(self):
        if self.suffix == ".md":
            reads.append(self.name)
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    assert cached_build(project).rendered == 0
    assert reads == []
    (project / "content/2024-02/e22.md").write_text(
        entry("改过的正文。", title="2月稿件2", date="2024-02-12", tags=["标签2"], reviewer="王"),
        encoding="utf-8")
    cached_build(project)
    assert reads == ["e22.md"]  # only the edited (and so recent) file
    monkeypatch.undo()
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_a_change_further_down_a_body_leaves_the_lists_alone(project, tmp_path):
    """Lists show an entry's title, date, labels and summary (its first paragraph): a
    sentence added at the end re-renders the entry's page and the search page only."""
    path = project / "content/2024-02/e22.md"
    path.write_text(entry("第2月第2篇正文。\n\n新加的第二段。", title="2月稿件2", date="2024-02-12",
                          tags=["标签2"], reviewer="王"), encoding="utf-8")
    report = cached_build(project)
    assert report.rendered == 2
    assert "新加的第二段" in (project / "output/site/2024/02/e22.html").read_text(encoding="utf-8")
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_a_project_list_template_that_shows_bodies_is_rerendered_with_them(project, tmp_path):
    (project / "templates").mkdir()
    default = (Path(__file__).parents[1] / "templates/list.html").read_text(encoding="utf-8")
    (project / "templates/list.html").write_text(
        default.replace("{% endblock %}", "{% for e in listing.entries %}{{ e.body_html }}{% endfor %}"
                        "{% endblock %}", 1), encoding="utf-8")
    cached_build(project)
    path = project / "content/2024-02/e22.md"
    path.write_text(entry("第2月第2篇正文。\n\n新加的第二段。", title="2月稿件2", date="2024-02-12",
                          tags=["标签2"], reviewer="王"), encoding="utf-8")
    cached_build(project)
    tag_page = (project / "output/site/tags").glob("*/index.html")
    assert any("新加的第二段" in p.read_text(encoding="utf-8") for p in tag_page)
    assert tree(project / "output/site") == full_build(project, tmp_path)


def test_an_edited_adoption_rescores_and_a_body_edit_does_not(project, tmp_path):
    scores = project / "output/scores/2024.json"
    path = project / "content/2024-02/e22.md"
    path.write_text(entry("第2月第2篇正文。\n\n新加的第二段。", title="2月稿件2", date="2024-02-12",
                          tags=["标签2"], reviewer="王"), encoding="utf-8")
    before = scores.stat().st_ino
    cached_build(project)
    assert scores.stat().st_ino == before  # same scores: last build's export, linked
    path.write_text(entry("第2月第2篇正文。", title="2月稿件2", date="2024-02-12", tags=["标签2"],
                          reviewer="王", adoptions=[{"level": "city", "date": "2024-02-20"}]),
                    encoding="utf-8")
    cached_build(project)
    assert tree(project / "output/site") == full_build(project, tmp_path)
    total = {d["name"]: d["total"] for d in json.loads(scores.read_text(encoding="utf-8"))["departments"]}
    full = {d["name"]: d["total"] for d in json.loads(
        (tmp_path / "full/output/scores/2024.json").read_text(encoding="utf-8"))["departments"]}
    assert total == full and total != {name: 6.0 for name in total}


def test_serve_checks_the_preview_files_until_it_has_built_them_itself(project):
    """A preview cache read from disk is not trusted: a page changed by hand since (or
    left by a build that failed mid-commit) is made again; after serve's own build the
    in-memory records are trusted."""
    from site_builder.editions import PREVIEW

    cache = BuildCache(project, deferred=True, edition=PREVIEW)
    build(load_cached_project(cache, project), preview=True, cache=cache)
    cache.save(now=True)
    page = project / "output/preview/index.html"
    good = page.read_bytes()
    page.write_bytes(b"edited by hand")
    fresh = BuildCache(project, deferred=True, edition=PREVIEW)
    build(load_cached_project(fresh, project), preview=True, cache=fresh)
    assert page.read_bytes() == good


def test_a_cover_that_became_a_link_to_the_ledger_is_refused_by_a_cached_build(make_project):
    """The loader asked where the cover lies; a cached entry is used again only when the
    answer is the same (an attack pass published the ledger through a swapped cover)."""
    from site_builder import ContentError

    root = make_project(entries={"2024-03/a.md": entry(cover="images/c.png", reviewer="王")},
                        files={"content/2024-03/images/c.png": PNG,
                               "content/ledger/2024.yaml": "[]  # 台账 secret-ledger\n"})
    settled = time.time() - 3600  # an entry file the cache trusts by its size and time
    os.utime(root / "content/2024-03/a.md", (settled, settled))
    cached_build(root)
    cover = root / "content/2024-03/images/c.png"
    cover.unlink()
    cover.symlink_to(root / "content/ledger/2024.yaml")
    with pytest.raises(ContentError) as err:
        cached_build(root)
    assert [(p.key, p.code) for p in err.value.problems] == [("cover", "unpublishable-file")]
    assert b"secret-ledger" not in (root / "output/site/media/2024-03/images/c.png").read_bytes()


def test_a_cover_added_after_a_build_said_it_was_missing_is_found(make_project):
    root = make_project(entries={"2024-03/a.md": entry(cover="images/c.png", reviewer="王",
                                                      status="draft")})
    settled = time.time() - 3600
    os.utime(root / "content/2024-03/a.md", (settled, settled))
    cached_build(root)  # a draft: the missing cover is a warning
    (root / "content/2024-03/images").mkdir()
    (root / "content/2024-03/images/c.png").write_bytes(PNG)
    project = load_cached_project(BuildCache(root), root)
    assert [e.cover for e in project.entries] == [root / "content/2024-03/images/c.png"]
