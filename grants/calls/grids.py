"""Grid rows from plain grid definitions, and back.

A definition is a dict: pass_threshold, tie_break_section and sections. A section is a dict of code,
title, title_tr, threshold and criteria; a criterion a dict of code, title, title_tr, weight,
description and description_tr (`title` and `description` in English, the `_tr` ones in Turkish; the
`_tr` keys and `description` may be left out).
"""

from __future__ import annotations

from grants.models import Criterion, Grid, GridSection, Stage
from grants.rules.grids import GridDraft


def build_sections(definition: dict) -> list[GridSection]:
    return [
        GridSection(
            position=s_pos,
            code=s["code"],
            title=s["title"],
            title_tr=s.get("title_tr", ""),
            threshold=s["threshold"],
            criteria=[
                Criterion(
                    position=c_pos,
                    code=c["code"],
                    title=c["title"],
                    title_tr=c.get("title_tr", ""),
                    weight=c["weight"],
                    description=c.get("description", ""),
                    description_tr=c.get("description_tr", ""),
                )
                for c_pos, c in enumerate(s["criteria"])
            ],
        )
        for s_pos, s in enumerate(definition["sections"])
    ]


def grid_max(definition: dict) -> int:
    return sum(5 * c["weight"] for section in definition["sections"] for c in section["criteria"])


def build_grid(stage: Stage, definition: dict) -> Grid:
    return Grid(
        stage=stage,
        max_total=grid_max(definition),
        pass_threshold=definition["pass_threshold"],
        tie_break_section=definition["tie_break_section"],
        sections=build_sections(definition),
    )


def grid_definition(grid: Grid | GridDraft) -> dict:
    """The plain definition of a stored grid or of a grid drafted in the editor."""
    return {
        "pass_threshold": grid.pass_threshold,
        "tie_break_section": grid.tie_break_section,
        "sections": [
            {
                "code": s.code,
                "title": s.title,
                "title_tr": s.title_tr,
                "threshold": s.threshold,
                "criteria": [
                    {
                        "code": c.code,
                        "title": c.title,
                        "title_tr": c.title_tr,
                        "weight": c.weight,
                        "description": c.description,
                        "description_tr": c.description_tr,
                    }
                    for c in s.criteria
                ],
            }
            for s in grid.sections
        ],
    }


def add_missing_text(grid: Grid, definition: dict) -> None:
    """Fill what a grid lacks (a Turkish title, guidance) from a definition's section and criterion
    of the same code, such as the default grid's for a grid imported in English only; text already
    there stays."""
    texts = {s["code"]: s for s in definition["sections"]}
    texts |= {c["code"]: c for s in definition["sections"] for c in s["criteria"]}
    rows = [*grid.sections, *(c for s in grid.sections for c in s.criteria)]
    for row in rows:
        given = texts.get(row.code, {})
        for name in ("title_tr", "description", "description_tr"):
            if hasattr(row, name) and not getattr(row, name) and given.get(name):
                setattr(row, name, given[name])
