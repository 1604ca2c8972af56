"""What `serve` prints while it rebuilds: each problem once, when it appears."""

from conftest import entry

from site_builder.server import LiveState, rebuild


def test_a_standing_error_is_printed_once_not_on_every_rebuild(make_project):
    root = make_project(entries={"a.md": entry(department="交警队"), "b.md": entry(title="乙")})
    state, log = LiveState(root), []
    assert not rebuild(state, log.append)
    (root / "content/b.md").write_text(entry(title="乙（改）"), encoding="utf-8")
    assert not rebuild(state, log.append)
    printed = "\n".join(log)
    assert printed.count("未登记的单位「交警队」") == 1
    assert log[-1].startswith("仍有 1 个错误（见上文）")


def test_a_new_error_is_printed_and_a_fixed_one_is_said_to_be_fixed(make_project):
    root = make_project(entries={"a.md": entry(department="交警队"), "b.md": entry(title="乙")})
    state, log = LiveState(root), []
    rebuild(state, log.append)
    (root / "content/a.md").write_text(entry(), encoding="utf-8")
    (root / "content/b.md").write_text(entry(title="乙", department="刑警队"), encoding="utf-8")
    rebuild(state, log.append)
    assert "未登记的单位「刑警队」" in log[-2] and "交警队" not in log[-2]
    assert log[-1].startswith("已修正 1 处；发现 1 个错误")
    (root / "content/b.md").write_text(entry(title="乙"), encoding="utf-8")
    assert rebuild(state, log.append)
    assert log[-2:][0] == "错误已全部修正。" and log[-1].startswith("已更新预览")
