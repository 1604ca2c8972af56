"""Digests of values, bytes and folders: the one way keys are made."""

from __future__ import annotations

import functools
import hashlib
import io
import pickle
from pathlib import Path
from typing import Any


def pickle_digest(*parts: Any) -> str:
    """A digest of plain values (tuples, strings, dates, model objects) by their pickle:
    The pickler's
    memo is off, so a value pickles the same whether or not its parts are shared objects."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()


def file_digest(data: bytes, *salt: str) -> str:
    h = hashlib.blake2b(data, digest_size=16)
    for part in salt:
        h.update(part.encode())
    return h.hexdigest()


def tree_digest(*folders: Path) -> str:
    """Bytes and names of every file under `folders` (templates, static files)."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@functools.cache
def code_digest() -> str:
    """A digest of site-builder's own code, every file of the package: what every cached
    result was made by.  A cache of other code — older fields in its pickles, other
    rows, another page layout — is not used (a version number, bumped by hand, was once
    not bumped, and an old cache shifted an entry's fields by one)."""
    package = Path(__file__).parent
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()
