"""The three editions and the folders each one owns; one build of an edition at a time.

| edition  | built by              | folders                                             |
|----------|-----------------------|-----------------------------------------------------|
| intranet | `build`               | output/site, output/pdf, output/scores              |
| public   | `build --public`      | output/public/site, output/public/pdf               |
| preview  | `serve`               | output/preview (its on-demand PDFs in preview/pdf)  |

A build reads and writes only its own edition's folders, keeps its own cache file and
stamp, and takes its own lock: whatever order the commands run in, nothing of one
edition can reach another's folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError

CACHE_DIR = ".cache"
LOCK_WAIT = 5.0  # seconds a build waits for another build of the same edition


@dataclass(frozen=True, slots=True)
class Edition:
    name: str  # "intranet" | "public" | "preview"

    @property
    def public(self) -> bool:
        return self.name == "public"

    @property
    def preview(self) -> bool:
        return self.name == "preview"

    @property
    def label(self) -> str:
        return {"intranet": "内网版", "public": "公开版", "preview": "预览"}[self.name]

    def base(self, output: Path) -> Path:
        """The folder that holds this edition's products (and its staging)."""
        return output / "public" if self.public else output

    @property
    def products(self) -> dict[str, str]:
        """product → folder name under base(): the site first."""
        if self.preview:
            return {"site": "preview"}
        if self.public:
            return {"site": "site", "pdf": "pdf"}
        return {"site": "site", "pdf": "pdf", "scores": "scores"}

    def folder(self, output: Path, product: str) -> Path:
        if self.preview and product == "pdf":
            return output / "preview" / "pdf"
        return self.base(output) / self.products[product]

    def folders(self, output: Path) -> list[Path]:
        return [self.folder(output, product) for product in self.products]

    def cache_file(self, root: Path) -> Path:
        return root / CACHE_DIR / f"{self.name}.pickle"


INTRANET, PUBLIC, PREVIEW = Edition("intranet"), Edition("public"), Edition("preview")


def edition(public: bool = False, preview: bool = False) -> Edition:
    return PREVIEW if preview else PUBLIC if public else INTRANET


@contextlib.contextmanager
def edition_lock(root: Path, which: Edition, wait: float | None = None) -> Iterator[None]:
    """Hold the edition's lock (.cache/<edition>.lock) for the block; wait up to `wait`
    (default LOCK_WAIT) seconds for another build of the same edition, then stop with a
    BuildError."""
    import fcntl

    wait = LOCK_WAIT if wait is None else wait
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        handle = open(folder / f"{which.name}.lock", "a+b")  # noqa: SIM115 (held for the block)
    except OSError as err:
        raise BuildError(cache_message(folder, err)) from err
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildError(
                        f"另一个构建正在进行（{which.label}），等待 {wait:.0f} 秒后仍未结束。\n"
                        "  提示：等它完成后再运行；若确实没有其他构建，删除 "
                        f"{CACHE_DIR}/{which.name}.lock 后重试。") from None
                time.sleep(0.05)
        yield
    finally:
        handle.close()  # releases the lock


def cache_message(folder: Path, err: OSError) -> str:
    if err.errno in (errno.ENOTDIR, errno.EEXIST):
        return (f"{folder} 不是文件夹，无法保存构建缓存。\n"
                f"  提示：删除或改名这个文件（rm {folder}），再重新运行。")
    return os_message(folder, err)


def os_message(path: Path, err: OSError) -> str:
    """A Chinese sentence for a failure of the file system, with what to do about it."""
    reasons = {
        errno.ENOSPC: ("磁盘空间不足", "清理磁盘后重新运行；原有输出保持不变"),
        errno.EDQUOT: ("磁盘配额已满", "清理磁盘后重新运行；原有输出保持不变"),
        errno.EACCES: ("没有写入权限", "检查该文件夹的权限（ls -ld）或换一个有权限的用户运行"),
        errno.EPERM: ("没有写入权限", "检查该文件夹的权限（ls -ld）或换一个有权限的用户运行"),
        errno.EROFS: ("文件系统是只读的", "把项目放到可写的磁盘上再运行"),
        errno.ENOENT: ("文件夹在构建过程中被删除或移动", "重新运行构建；构建期间不要移动 output/"),
        errno.ENOTDIR: ("路径中有一段不是文件夹", "检查该路径，删除同名的文件后重试"),
        errno.ENAMETOOLONG: ("文件名过长", "缩短文件名或文件夹名"),
    }
    what, hint = reasons.get(err.errno or 0, (os.strerror(err.errno or 0) if err.errno
                                               else str(err), "检查磁盘和文件夹后重新运行"))
    where = err.filename or path
    return f"无法写入 {where}：{what}。\n  提示：{hint}。"
