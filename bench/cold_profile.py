#!/usr/bin/env python3
"""Where a cold single-process build spends its time, stage by stage, beside the floor.

    python bench/cold_profile.py PROJECT_DIR [--runs 3]

PROJECT_DIR is a site project, e.g. one written by bench/gen_corpus.py.  Each run is a
fresh subprocess doing `build --no-pdf --no-cache --jobs 1` in-process with a timer around
each stage (CPU time of this one process, so background load matters less); the table
shows medians.  The floor's own numbers come from the same measurements on its three
parts: YAML front-matter, Python-Markdown, a one-line Jinja2 template, and the file writes.

This is the profile behind the issue's cold-build ratios: it shows which stages a build
adds beyond rendering Markdown, and how much each costs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r'''
import json, sys, time
t0 = time.process_time()
import site_builder.pipeline as build_mod
import site_builder.writer as writer_mod, site_builder.site as site_mod
import site_builder.incremental.site_files as files_mod
from site_builder import parallel
from site_builder.incremental.entries import load_project as load_cached_project
from site_builder.incremental.store import BuildCache
from pathlib import Path
spent = {"imports": time.process_time() - t0}

def timed(module, name, label):
    inner = getattr(module, name)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - start
    setattr(module, name, wrapper)

timed(site_mod, "render_markdown", "markdown + sanitise (bodies)")
timed(site_mod, "render_body", "_bodies")
timed(writer_mod, "render_page", "templates + page writes")
timed(build_mod, "memo_lints", "review lints")
timed(build_mod, "scores_and_views", "scores")
timed(build_mod, "write_score_exports", "score exports (json, csv, xlsx)")
timed(files_mod, "write_search", "search files")
timed(files_mod, "atom_feed", "feed")
timed(files_mod, "sitemap", "sitemap")
timed(BuildCache, "save", "cache save")
root = Path(sys.argv[1])
start = time.process_time()
cache = BuildCache(root.resolve(), enabled=False)
project = load_cached_project(cache, root)
spent["load + validate entries"] = time.process_time() - start
start = time.process_time()
build_mod.build(project, pdf=False, jobs=1, cache=cache)
spent["build total"] = time.process_time() - start
spent["process total"] = time.process_time() - t0
print(json.dumps(spent))
'''

FLOOR = r'''
import json, sys, time
from pathlib import Path
t0 = time.process_time()
import jinja2, markdown, yaml
from markdown.extensions.toc import slugify_unicode
spent = {"imports": time.process_time() - t0}
content, out = Path(sys.argv[1]) / "content", Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
md = markdown.Markdown(extensions=["extra", "sane_lists", "toc"],
                       extension_configs={"toc": {"slugify": slugify_unicode, "permalink": False}})
page = jinja2.Environment(autoescape=True).from_string(
    "<html><body><h1>{{ title }}</h1>{{ body|safe }}</body></html>")
parts = {"read + yaml": 0.0, "markdown": 0.0, "template": 0.0, "writes": 0.0}
for path in sorted(content.rglob("*.md")):
    a = time.process_time()
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.load(front, Loader=yaml.CSafeLoader)
    b = time.process_time()
    html = md.reset().convert(body)
    c = time.process_time()
    text = page.render(title=data["title"], body=html)
    d = time.process_time()
    (out / (path.stem + ".html")).write_text(text, encoding="utf-8")
    e = time.process_time()
    for key, span in zip(parts, (b - a, c - b, d - c, e - d)):
        parts[key] += span
spent.update(parts)
spent["process total"] = time.process_time() - t0
print(json.dumps(spent))
'''


def run(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.exit(f"child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ours: list[dict[str, float]] = []
    floor: list[dict[str, float]] = []
    for _ in range(args.runs):
        shutil.rmtree(args.project / "output", ignore_errors=True)
        shutil.rmtree(args.project / ".cache", ignore_errors=True)
        ours.append(run(CHILD, str(args.project)))
        shutil.rmtree(args.project / "floor-out", ignore_errors=True)
        floor.append(run(FLOOR, str(args.project), str(args.project / "floor-out")))
    shutil.rmtree(args.project / "floor-out", ignore_errors=True)

    def median(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r.get(key, 0.0) for r in runs)

    floor_total = median(floor, "process total")
    print(f"CPU seconds, median of {args.runs} (share of the floor's total {floor_total:.2f} s)")
    print("floor:")
    for key in ("imports", "read + yaml", "markdown", "template", "writes", "process total"):
        print(f"  {key:34s} {median(floor, key):6.2f}  {median(floor, key) / floor_total:5.2f}")
    print("site-builder build --no-pdf --no-cache --jobs 1:")
    bodies = median(ours, "_bodies")
    markdown_time = median(ours, "markdown + sanitise (bodies)")
    rows = ["imports", "load + validate entries", "review lints", "markdown + sanitise (bodies)",
            "templates + page writes", "scores", "score exports (json, csv, xlsx)", "search files",
            "feed", "sitemap", "cache save"]
    accounted = median(ours, "imports") + median(ours, "load + validate entries")
    for key in rows:
        value = median(ours, key)
        print(f"  {key:34s} {value:6.2f}  {value / floor_total:5.2f}")
        if key not in ("imports", "load + validate entries"):
            accounted += value
    print(f"  {'(alt check, media, summaries)':34s} {bodies - markdown_time:6.2f}  "
          f"{(bodies - markdown_time) / floor_total:5.2f}")
    accounted += bodies - markdown_time
    total = median(ours, "process total")
    print(f"  {'everything else':34s} {total - accounted:6.2f}  {(total - accounted) / floor_total:5.2f}")
    print(f"  {'process total':34s} {total:6.2f}  {total / floor_total:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
