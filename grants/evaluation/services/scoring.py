"""An evaluator's scoring of one assignment (docs/domain.md 4, Scoring).

Every criterion gets a whole score 1..5 and a comment, every section at least one strength and one
weakness. Whatever is valid is saved as a draft at once (the form saves as the evaluator goes);
an invalid score is not saved and comes back with its error. Submitting checks completeness,
locks the evaluation (a conditional UPDATE, so two tabs cannot both submit) and lets
grants.evaluation.settle compute the final score or ask for one more evaluator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from grants.audit import record
from grants.evaluation.services.settle import settle
from grants.extensions import db
from grants.models import Assignment, Evaluation, Grid, Score, SectionComment, StageStatus
from grants.models.base import now_utc
from grants.rules.problems import N_, Refused
from grants.rules.scoring import MAX_SCORE, MIN_SCORE

MAX_TEXT = 5000  # characters per comment, strength or weakness


class EvaluationLocked(Refused):
    """The evaluation was submitted, or the application left evaluation: nothing can change."""


LOCKED = N_("Your evaluation was submitted and is locked: it cannot be changed.")


@dataclass
class Entry:
    """The evaluator's input, as typed: criterion id -> score text and comment; section id ->
    texts."""

    scores: dict[int, str] = field(default_factory=dict)
    comments: dict[int, str] = field(default_factory=dict)
    strengths: dict[int, str] = field(default_factory=dict)
    weaknesses: dict[int, str] = field(default_factory=dict)

    def score(self, criterion_id: int) -> int | None:
        """The whole score 1..5 typed for the criterion, or None when blank or invalid."""
        try:
            return _parse(self.scores.get(criterion_id, ""))
        except ValueError:
            return None


def _parse(text: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not MIN_SCORE <= int(text) <= MAX_SCORE:
        raise ValueError(text)
    return int(text)


def stored_entry(evaluation: Evaluation | None) -> Entry:
    entry = Entry()
    if evaluation is None:
        return entry
    for score in evaluation.scores:
        entry.scores[score.criterion_id] = "" if score.score is None else str(score.score)
        entry.comments[score.criterion_id] = score.comment
    for comment in evaluation.section_comments:
        entry.strengths[comment.section_id] = comment.strengths
        entry.weaknesses[comment.section_id] = comment.weaknesses
    return entry


def read_entry(form: Mapping[str, str], grid: Grid) -> Entry:
    """The grid's fields from a posted form (score-<criterion>, comment-<criterion>,
    strengths-<section>...)."""
    entry = Entry()
    for section in grid.sections:
        entry.strengths[section.id] = form.get(f"strengths-{section.id}", "").strip()
        entry.weaknesses[section.id] = form.get(f"weaknesses-{section.id}", "").strip()
        for criterion in section.criteria:
            entry.scores[criterion.id] = form.get(f"score-{criterion.id}", "").strip()
            entry.comments[criterion.id] = form.get(f"comment-{criterion.id}", "").strip()
    return entry


def invalid_fields(grid: Grid, entry: Entry) -> dict[str, str]:
    """Field name -> why its value cannot be saved."""
    errors: dict[str, str] = {}
    for section in grid.sections:
        for criterion in section.criteria:
            try:
                _parse(entry.scores.get(criterion.id, ""))
            except ValueError:
                errors[f"score-{criterion.id}"] = _(
                    "Score for %(code)s: give a whole number from %(low)d to %(high)d.",
                    code=criterion.code,
                    low=MIN_SCORE,
                    high=MAX_SCORE,
                )
            _too_long(
                errors,
                f"comment-{criterion.id}",
                entry.comments.get(criterion.id, ""),
                _("Comment for %(code)s", code=criterion.code),
            )
        _too_long(
            errors,
            f"strengths-{section.id}",
            entry.strengths.get(section.id, ""),
            _("Strengths of section %(code)s", code=section.code),
        )
        _too_long(
            errors,
            f"weaknesses-{section.id}",
            entry.weaknesses.get(section.id, ""),
            _("Weaknesses of section %(code)s", code=section.code),
        )
    return errors


def _too_long(errors: dict[str, str], name: str, text: str, label: str) -> None:
    if len(text) > MAX_TEXT:
        errors[name] = _(
            "%(field)s: at most %(max)d characters (now %(count)d).",
            field=label,
            max=MAX_TEXT,
            count=len(text),
        )


def missing_for_submission(grid: Grid, entry: Entry) -> dict[str, str]:
    """Field name -> what is still missing before the evaluation can be submitted."""
    missing: dict[str, str] = {}
    for section in grid.sections:
        for criterion in section.criteria:
            if entry.score(criterion.id) is None:
                missing[f"score-{criterion.id}"] = _(
                    "Score criterion %(code)s.", code=criterion.code
                )
            if not entry.comments.get(criterion.id):
                missing[f"comment-{criterion.id}"] = _(
                    "Write a comment for criterion %(code)s.", code=criterion.code
                )
        if not entry.strengths.get(section.id):
            missing[f"strengths-{section.id}"] = _(
                "Name at least one strength of section %(code)s.", code=section.code
            )
        if not entry.weaknesses.get(section.id):
            missing[f"weaknesses-{section.id}"] = _(
                "Name at least one weakness of section %(code)s.", code=section.code
            )
    return missing


@dataclass(frozen=True)
class Sums:
    """Live sums of what is scored so far: section id -> (sum, maximum, criteria scored,
    criteria)."""

    sections: dict[int, tuple[int, int, int, int]]

    @property
    def total(self) -> int:
        return sum(s[0] for s in self.sections.values())

    @property
    def maximum(self) -> int:
        return sum(s[1] for s in self.sections.values())

    @property
    def complete(self) -> bool:
        return all(s[2] == s[3] for s in self.sections.values())


def sums(grid: Grid, entry: Entry) -> Sums:
    result = {}
    for section in grid.sections:
        scored = [(entry.score(c.id), c.weight) for c in section.criteria]
        result[section.id] = (
            sum(s * w for s, w in scored if s is not None),
            MAX_SCORE * sum(w for _s, w in scored),
            sum(1 for s, _w in scored if s is not None),
            len(scored),
        )
    return Sums(result)


def _check_open(assignment: Assignment) -> Evaluation:
    """The assignment's evaluation, open for changes. The assignment's row is locked first
    (PostgreSQL), so an autosave and "Submit and lock" of the same evaluation run one after the
    other, the second reading what the first wrote; SQLite has one writer at a time, and `save`
    makes again a save that met a first insert."""
    loaded = assignment.evaluation
    db.session.execute(
        select(Assignment.id).where(Assignment.id == assignment.id).with_for_update()
    )
    for stale in [loaded, *loaded.scores, *loaded.section_comments] if loaded is not None else []:
        db.session.expire(
            stale
        )  # read again what a save that held the lock before may have written
    db.session.expire(assignment, ["evaluation"])
    evaluation = assignment.evaluation
    if evaluation is not None and evaluation.submitted_at is not None:
        raise EvaluationLocked(LOCKED)
    if assignment.stage.status is not StageStatus.admissible or assignment.ended_at is not None:
        raise EvaluationLocked(
            N_("This application is no longer being evaluated: nothing can be changed.")
        )
    if evaluation is None:
        evaluation = Evaluation(assignment=assignment)
        db.session.add(evaluation)
    return evaluation


def save_draft(assignment: Assignment, grid: Grid, entry: Entry) -> dict[str, str]:
    """Save every valid value of the entry; return the invalid fields (not saved) with their
    errors."""
    evaluation = _check_open(assignment)
    errors = invalid_fields(grid, entry)
    scores = {s.criterion_id: s for s in evaluation.scores}
    for section in grid.sections:
        for criterion in section.criteria:
            row = scores.get(criterion.id)
            value = (
                (row.score if row else None)
                if f"score-{criterion.id}" in errors
                else entry.score(criterion.id)
            )
            comment = _kept(
                errors,
                f"comment-{criterion.id}",
                entry.comments.get(criterion.id, ""),
                row,
                "comment",
            )
            if row is None and (value is not None or comment):
                evaluation.scores.append(
                    Score(criterion_id=criterion.id, score=value, comment=comment)
                )
            elif row is not None and value is None and not comment:
                evaluation.scores.remove(row)
            elif row is not None:
                row.score, row.comment = value, comment
        _save_section(evaluation, section.id, entry, errors)
    evaluation.updated_at = now_utc()
    db.session.flush()
    record(
        "evaluation.draft_saved",
        evaluation,
        after={
            "assignment_id": assignment.id,
            "scored": sum(1 for s in evaluation.scores if s.score is not None),
        },
    )
    return errors


def _kept(errors: dict[str, str], name: str, typed: str, row, attribute: str) -> str:
    """The typed text, or the stored one when the typed text is refused."""
    if name in errors:
        return getattr(row, attribute) if row is not None else ""
    return typed


def _save_section(
    evaluation: Evaluation, section_id: int, entry: Entry, errors: dict[str, str]
) -> None:
    row = next((c for c in evaluation.section_comments if c.section_id == section_id), None)
    strengths = _kept(
        errors, f"strengths-{section_id}", entry.strengths.get(section_id, ""), row, "strengths"
    )
    weaknesses = _kept(
        errors, f"weaknesses-{section_id}", entry.weaknesses.get(section_id, ""), row, "weaknesses"
    )
    if row is None and (strengths or weaknesses):
        evaluation.section_comments.append(
            SectionComment(section_id=section_id, strengths=strengths, weaknesses=weaknesses)
        )
    elif row is not None:
        row.strengths, row.weaknesses = strengths, weaknesses


def submit(assignment: Assignment, grid: Grid, entry: Entry) -> dict[str, str]:
    """Save, then submit and lock when complete; return the invalid or missing fields otherwise."""
    problems = save_draft(assignment, grid, entry) or missing_for_submission(grid, entry)
    if problems:
        return problems
    evaluation = assignment.evaluation
    at = now_utc()
    claimed = db.session.execute(
        update(Evaluation)
        .where(Evaluation.id == evaluation.id, Evaluation.submitted_at.is_(None))
        .values(submitted_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:  # submitted from another tab a moment ago
        raise EvaluationLocked(LOCKED)
    evaluation.submitted_at = at
    record(
        "evaluation.submitted",
        evaluation,
        before={"submitted_at": None},
        after={
            "assignment_id": assignment.id,
            "submitted_at": at,
            "total": sums(grid, entry).total,
        },
    )
    settle(assignment.stage)
    return {}


def save(
    assignment: Assignment, grid: Grid, entry: Entry, *, submitting: bool = False
) -> dict[str, str]:
    """Save the entry as a draft, or submit it; return the fields not saved or missing, with their
    errors.

    Two first saves of one evaluation at the same moment (SQLite lets both read "no evaluation
    yet"): the second one's insert fails; this transaction, which had written nothing else, is
    rolled back and the save made again, over the first one's rows."""
    command = submit if submitting else save_draft
    try:
        return command(assignment, grid, entry)
    except IntegrityError:
        db.session.rollback()
        return command(assignment, grid, entry)
