"""The declarative files shipped in a package (profiles, forms, frameworks): read as text, and
parsed into objects each keyed by an ``id`` that must match its file name."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib import resources


def toml_texts(package: str) -> dict[str, str]:
    """File name → TOML text of every ``.toml`` file in ``package``."""
    folder = resources.files(package)
    return {e.name: e.read_text(encoding="utf-8") for e in folder.iterdir() if e.name.endswith(".toml")}


def parse_files(texts: dict[str, str], parse: Callable[[dict], object],
                fail: Callable[[str, str], Exception]) -> dict[str, object]:
    """id → ``parse`` of each file's TOML, in file-name order; a file whose id is not its
    name raises ``fail(id, message)``."""
    parsed = {}
    for name, text in sorted(texts.items()):
        found = parse(tomllib.loads(text))
        if found.id + ".toml" != name:
            raise fail(found.id, f"id does not match its file {name}")
        parsed[found.id] = found
    return parsed
