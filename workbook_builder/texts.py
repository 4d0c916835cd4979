"""Texts that vary by year and profile (title, notes, fill-in guide), from ``templates/*.j2``."""

from __future__ import annotations

from functools import cache
from importlib import resources

import jinja2

from addin.profile import Profile


@cache
def _environment() -> jinja2.Environment:
    folder = resources.files("workbook_builder.templates")
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: folder.joinpath(name).read_text("utf-8")),
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


def guide(profile: Profile) -> str:
    return render("guide", profile=profile)


def index_title(year: int, count: int, profile: Profile) -> str:
    return render("index_title", year=year, count=count, profile=profile)
