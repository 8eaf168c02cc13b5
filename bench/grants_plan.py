"""The rows of one generated grant (bench/grants_dataset.py): its state drawn from STATES, its
dates relative to today, its first contract version, payments, reports and amendments, the numbers
from the rules (grants.rules.grant_terms, grant_payments) as the services would compute them."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal

from grants.models import Call
from grants.rules.grant_payments import ceiling, prefinancing, reports_due
from grants.rules.grant_status import (
    AmendmentKind,
    AmendmentStatus,
    GrantStatus,
    PaymentKind,
    PaymentStatus,
    ReportKind,
    ReportStatus,
)
from grants.rules.grant_terms import (
    contract_number,
    end_date,
    reporting_periods,
    scheme_for,
    start_date,
    terms_data,
)

CENT = Decimal("0.01")
# the share of each state, in order
STATES = (
    (GrantStatus.draft, 0.04),
    (GrantStatus.sent, 0.08),
    (GrantStatus.signed, 0.04),
    (GrantStatus.in_force, 0.72),
    (GrantStatus.closed, 0.10),
    (GrantStatus.terminated, 0.02),
)


def _at(day: date) -> datetime:
    return datetime.combine(day, clock_time(9), tzinfo=UTC)


def _pick(rng: random.Random) -> GrantStatus:
    roll, total = rng.random(), 0.0
    for state, share in STATES:
        total += share
        if roll < total:
            return state
    return GrantStatus.in_force


class Planner:
    def __init__(self, call: Call, rng: random.Random, staff: int, finance: int) -> None:
        self.call, self.rng, self.staff, self.finance = call, rng, staff, finance
        self.now = datetime.now(UTC)
        self.today = self.now.date()
        self.terms = call.grant_terms()
        self.terms_json = terms_data(self.terms)

    def plan(self, row, sequence: int, signer: int, direct: Decimal) -> dict:
        """The grant's row, its first version, payments, reports (each with `_share`: the part of
        the budget it reports) and amendments."""
        rng, terms = self.rng, self.terms
        max_grant, months = row.awarded_amount, row.duration_months
        total = direct + row.indirect + row.contingency
        state = _pick(rng)
        scheme = scheme_for(months, max_grant, terms)
        grant = {
            "call_id": self.call.id,
            "application_id": row.id,
            "sequence": sequence,
            "number": contract_number(self.call.reference, sequence),
            "status": state,
            "version": 1,
            "max_grant": max_grant,
            "contract_total": total,
            "months": months,
            "scheme": scheme,
            "terms": self.terms_json,
            "account_holder": f"Municipality {row.lead_id}",
            "iban": "TR330006100519786457841326",
            "bic": "",
            "bank_name": "Bench Bankası A.Ş.",
            "prefinancing_ceiling": ceiling(max_grant, terms),
            "prefinancing_paid": Decimal("0.00"),
            "paid_total": Decimal("0.00"),
            "recovered_total": Decimal("0.00"),
            "authorised_contingency": Decimal("0.00"),
            "final_amount": None,
            "created_by_id": self.staff,
            "termination_reason": "",
            **dict.fromkeys(
                ("sent_at", "signed_by_id", "signed_at", "countersigned_by_id", "countersigned_at")
                + ("start_date", "end_date", "closed_at", "terminated_at")
            ),
        }
        plan = {"grant": grant, "payments": [], "reports": [], "amendments": []}
        before_force = state in (GrantStatus.draft, GrantStatus.sent, GrantStatus.signed)
        if before_force:
            created = self.now - timedelta(days=rng.randrange(3, 40))
            grant.update(created_at=created)
            if state is not GrantStatus.draft:
                grant["sent_at"] = created + timedelta(days=1)
            if state is GrantStatus.signed:
                grant.update(signed_by_id=signer, signed_at=created + timedelta(days=2))
            plan["version"] = self._version(row, total, months, None, created)
            return plan
        if state is GrantStatus.in_force:  # from just started to past its end date
            started = self.today - timedelta(days=rng.randrange(5, months * 31 + 150))
        else:  # ended a while ago
            started = self.today - timedelta(days=months * 31 + rng.randrange(150, 400))
        signed = started - timedelta(days=1)
        start = start_date(signed)
        end = end_date(start, months)
        grant.update(
            created_at=_at(signed - timedelta(days=10)),
            sent_at=_at(signed - timedelta(days=7)),
            signed_by_id=signer,
            signed_at=_at(signed),
            countersigned_by_id=self.staff,
            countersigned_at=_at(signed),
            start_date=start,
            end_date=end,
        )
        plan["version"] = self._version(row, total, months, end, grant["created_at"])
        periods = reporting_periods(start, months, scheme, terms)
        instalments = prefinancing(max_grant, scheme, periods, start, terms)
        self._money(plan, instalments, periods, end)
        if state is GrantStatus.in_force and rng.random() < 0.06:
            plan["amendments"].append(self._amendment(end, signer))
        return plan

    def _version(self, row, total: Decimal, months: int, end, created) -> dict:
        return {
            "number": 1,
            "max_grant": row.awarded_amount,
            "contract_total": total,
            "indirect": row.indirect,
            "contingency": row.contingency,
            "months": months,
            "end_date": end,
            "created_by_id": self.staff,
            "created_at": created,
        }

    def _payment(self, kind, amount, day: date, period, authorised: bool) -> dict:
        return {
            "kind": kind,
            "status": PaymentStatus.authorised if authorised else PaymentStatus.recorded,
            "period": period,
            "amount": amount,
            "value_date": day,
            "reference": f"{kind.value[:3].upper()}-{period or 0}",
            "note": "",
            "recorded_by_id": self.finance,
            "recorded_at": _at(day),
            "authorised_by_id": self.staff if authorised else None,
            "authorised_at": _at(day + timedelta(days=1)) if authorised else None,
        }

    def _report(self, kind, period, status, due: date, share: Decimal) -> dict:
        sent = status is not ReportStatus.draft
        return {
            "kind": kind,
            "period": period,
            "status": status,
            "version": 1,
            "due_on": due,
            "activities": "The planned exchanges took place." if sent else "",
            "reported_indirect": Decimal("0.00"),
            "reported_contingency": Decimal("0.00"),
            "submitted_by_id": None,
            "submitted_at": _at(due - timedelta(days=5)) if sent else None,
            "reviewed_by_id": self.staff if status is ReportStatus.approved else None,
            "reviewed_at": _at(due + timedelta(days=10))
            if status is ReportStatus.approved
            else None,
            "comments": "",
            "_share": share,
        }

    def _money(self, plan: dict, instalments, periods, end: date) -> None:
        """Pre-financing instalments paid as their reports allowed; reports per what is due;
        closed grants: final report approved and the balance paid; terminated ones: stopped."""
        rng, grant, today = self.rng, plan["grant"], self.today
        closed = grant["status"] is GrantStatus.closed
        terminated = grant["status"] is GrantStatus.terminated
        paid, pay_day = Decimal("0.00"), instalments[0].due_on
        for index, instalment in enumerate(instalments):
            if pay_day is None or pay_day > today or instalment.payable <= 0:
                break
            last = index == len(instalments) - 1
            authorised = closed or terminated or not last or rng.random() < 0.85
            if not closed and index == 0 and rng.random() < 0.1:
                authorised = False  # waiting for the second pair of eyes
            plan["payments"].append(
                self._payment(
                    PaymentKind.prefinancing,
                    instalment.payable,
                    pay_day,
                    instalment.period,
                    authorised,
                )
            )
            if not authorised:
                break
            paid += instalment.payable
            if terminated:
                break
            due = reports_due(periods, end, self.terms)[index]
            if due.kind != "interim" or due.due_on > today:
                break
            status = (
                ReportStatus.approved
                if closed or due.due_on + timedelta(days=70) < today or rng.random() < 0.5
                else rng.choice((ReportStatus.submitted, ReportStatus.draft))
            )
            share = Decimal(periods[index].months) / Decimal(grant["months"])
            plan["reports"].append(
                self._report(ReportKind.interim, due.period, status, due.due_on, share)
            )
            if status is not ReportStatus.approved:
                break
            pay_day = due.due_on + timedelta(days=10 + self.terms.instalment_due_days)
        grant["prefinancing_paid"] = grant["paid_total"] = paid
        final_due = end + timedelta(days=self.terms.final_report_days)
        if terminated:
            grant.update(
                terminated_at=_at(min(today, end) - timedelta(days=30)),
                termination_reason="The lead municipality withdrew from the partnership.",
            )
        elif closed:
            last = periods[-1].number
            plan["reports"].append(
                self._report(ReportKind.final, last, ReportStatus.approved, final_due, Decimal(1))
            )
            balance = grant["max_grant"] - paid
            day = final_due + timedelta(days=20)
            if balance > 0:
                plan["payments"].append(
                    self._payment(PaymentKind.balance, balance, day, None, True)
                )
            grant.update(
                final_amount=grant["max_grant"],
                paid_total=grant["max_grant"],
                closed_at=_at(day + timedelta(days=1)),
            )
        elif end < today and rng.random() < 0.7:  # the final report under way
            status = rng.choice((ReportStatus.draft, ReportStatus.submitted))
            plan["reports"].append(
                self._report(ReportKind.final, periods[-1].number, status, final_due, Decimal(1))
            )

    def _amendment(self, end: date, signer: int) -> dict:
        status = self.rng.choice((AmendmentStatus.requested, AmendmentStatus.refused))
        asked = self.now - timedelta(days=self.rng.randrange(2, 60))
        return {
            "kind": AmendmentKind.end_date,
            "status": status,
            "justification": "The partner's festival moved to the autumn.",
            "details": {
                "end_date": (end + timedelta(days=92)).isoformat(),
                "previous": end.isoformat(),
            },
            "requested_by_id": signer,
            "requested_at": asked,
            "decided_by_id": self.staff if status is AmendmentStatus.refused else None,
            "decided_at": asked + timedelta(days=3) if status is AmendmentStatus.refused else None,
            "decision_reason": "Not justified." if status is AmendmentStatus.refused else "",
        }
