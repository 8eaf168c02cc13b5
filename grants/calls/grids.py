"""Build Grid rows from plain grid definitions."""
from __future__ import annotations

from grants.models import Criterion, Grid, GridSection, Stage


def build_grid(stage: Stage, definition: dict) -> Grid:
    sections = []
    for s_pos, (code, title, threshold, criteria) in enumerate(definition["sections"]):
        sections.append(GridSection(
            position=s_pos, code=code, title=title, threshold=threshold,
            criteria=[Criterion(position=c_pos, code=c, title=t, weight=w)
                      for c_pos, (c, t, w) in enumerate(criteria)],
        ))
    max_total = sum(5 * c.weight for s in sections for c in s.criteria)
    return Grid(stage=stage, max_total=max_total, pass_threshold=definition["pass_threshold"],
                tie_break_section=definition["tie_break_section"], sections=sections)
