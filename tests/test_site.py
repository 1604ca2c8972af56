
from conftest import PNG, entry

from site_builder import check, load_project


def test_image_without_alt_text_is_a_warning_on_its_line(make_project):
    root = make_project(entries={"a.md": entry("第一段。\n\n![](p.png)\n", reviewer="王")},
                        files={"content/p.png": PNG})
    [problem] = [p for p in check(load_project(root)) if p.code == "missing-alt"]
    assert (problem.level, problem.line) == ("warning", 11)


def test_image_with_alt_text_is_fine(make_project):
    root = make_project(entries={"a.md": entry("![现场照片](p.png)", reviewer="王")},
                        files={"content/p.png": PNG})
    assert not [p for p in check(load_project(root)) if p.code == "missing-alt"]


def test_a_link_to_an_entry_that_a_folder_link_brings_in_reaches_its_page(make_project):
    from site_builder import build

    root = make_project(entries={"a.md": entry("另见[共享稿件](shared/b.md)。", reviewer="王")})
    (root / "shared").mkdir()
    (root / "shared/b.md").write_text(entry(title="共享目录的稿件", date="2024-03-13"), encoding="utf-8")
    (root / "content/shared").symlink_to(root / "shared")
    report = build(load_project(root), pdf=False)
    assert not [p for p in report.warnings if p.code == "broken-link"]
    page = (root / "output/site/2024/03/a.html").read_text(encoding="utf-8")
    assert 'href="../../2024/03/b.html"' in page


def test_the_cover_caption_is_under_the_cover_as_a_body_figures_caption(make_project):
    import re

    from site_builder import build

    caption = "交管大队民警在车管服务大厅听取群众意见（摄影 李明远）"
    root = make_project(entries={
        "a.md": entry(cover="c.png", cover_caption=caption, reviewer="王"),
        "b.md": entry(title="没有图片说明的稿件", date="2024-03-13", cover="c.png", reviewer="王")},
        files={"content/c.png": PNG})
    build(load_project(root), pdf=False)
    page = (root / "output/site/2024/03/a.html").read_text(encoding="utf-8")
    [cover] = re.findall(r'<figure class="cover">.*?</figure>', page)
    assert re.fullmatch(rf'<figure class="cover"><img src="[^"]+c\.png" alt="{caption}">'
                        rf"<figcaption>{caption}</figcaption></figure>", cover)
    css = (root / "output/site/static/style.css").read_text(encoding="utf-8")
    assert re.search(r"\.article-body figcaption, \.cover figcaption \{", css)  # one style
    plain = (root / "output/site/2024/03/b.html").read_text(encoding="utf-8")
    [cover] = re.findall(r'<figure class="cover">.*?</figure>', plain)
    assert 'alt="没有图片说明的稿件"' in cover and "figcaption" not in cover
