"""Grid rows from plain grid definitions, and back.

A definition is a dict: pass_threshold, tie_break_section and sections, each section a tuple
(code, title, threshold, criteria) and each criterion (code, title, weight[, description]).
"""
from __future__ import annotations

from grants.calls.grid_validation import GridDraft
from grants.models import Criterion, Grid, GridSection, Stage


def build_sections(definition: dict) -> list[GridSection]:
    sections = []
    for s_pos, (code, title, threshold, criteria) in enumerate(definition["sections"]):
        sections.append(GridSection(
            position=s_pos, code=code, title=title, threshold=threshold,
            criteria=[Criterion(position=c_pos, code=c[0], title=c[1], weight=c[2],
                                description=c[3] if len(c) > 3 else "")
                      for c_pos, c in enumerate(criteria)],
        ))
    return sections


def grid_max(definition: dict) -> int:
    return sum(5 * c[2] for section in definition["sections"] for c in section[3])


def build_grid(stage: Stage, definition: dict) -> Grid:
    return Grid(stage=stage, max_total=grid_max(definition), pass_threshold=definition["pass_threshold"],
                tie_break_section=definition["tie_break_section"], sections=build_sections(definition))


def grid_definition(grid: Grid | GridDraft) -> dict:
    """The plain definition of a stored grid or of a grid drafted in the editor."""
    return {
        "pass_threshold": grid.pass_threshold,
        "tie_break_section": grid.tie_break_section,
        "sections": [(s.code, s.title, s.threshold, [(c.code, c.title, c.weight, c.description) for c in s.criteria])
                     for s in grid.sections],
    }
