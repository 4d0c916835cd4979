"""Texts that vary by year, form and profile (title, notes, fill-in guide), from ``templates/*.j2``."""

from __future__ import annotations

from functools import cache

import jinja2

from addin.engine.forms import Form
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


def title(form: Form) -> str:
    return render("title", title=form.title)


def year_line(year: int) -> str:
    return render("year", year=year)


def notes_lines(profile: Profile) -> list[str]:
    """The 填报注意事项 heading, then one line per numbered note."""
    return render("notes", profile=profile).split("\n")


def guide(profile: Profile, form: Form, portable: bool = False) -> str:
    """The fill-in guide under the table: the inputs named as ``form`` prints them."""
    return render("guide", profile=profile, form=form, portable=portable)


def index_title(year: int, count: int, profile: Profile) -> str:
    return render("index_title", year=year, count=count, profile=profile)
