"""Texts that vary by year and profile (title, notes, fill-in guide), from ``templates/*.j2``."""

from __future__ import annotations

from functools import cache

import jinja2

from addin.engine.profiles import Profile

from . import templates_dir


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir(), encoding="utf-8"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )


def render(name: str, **context: object) -> str:
    """The template ``templates/<name>.j2`` rendered, without its final newline."""
    return _environment().get_template(f"{name}.j2").render(**context).strip("\n")


def title() -> str:
    return render("title")


def year_line(year: int) -> str:
    return render("year", year=year)


def notes_lines(profile: Profile) -> list[str]:
    """The 填报注意事项 heading, then one line per numbered note."""
    return render("notes", profile=profile).split("\n")


def guide(profile: Profile, portable: bool = False) -> str:
    return render("guide", profile=profile, portable=portable)


def index_title(year: int, count: int, profile: Profile) -> str:
    return render("index_title", year=year, count=count, profile=profile)
