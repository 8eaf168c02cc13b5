"""A draft contract's budget corrected before it is sent (docs/domain.md 7, Contract): the call's
limits hold, the grant rate is kept, the maximum grant never rises above the amount awarded; stale
saves refused with nothing typed lost; not once the contract is sent."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

from sqlalchemy import select

from grants.extensions import db as _db
from grants.models import AuditEvent, Grant
from grants.rules.grant_payments import ceiling
from tests.factories.grants import make_grant


def _fresh(grant_id: int) -> Grant:
    _db.session.expire_all()
    return _db.session.get(Grant, grant_id)


def _typed(grant: Grant, **changes) -> dict:
    """The form as the page shows it, with `changes` ({line position: amount} and fields)."""
    lines = changes.pop("lines", {})
    data = {
        f"line_{line.id}": lines.get(line.position, str(line.amount))
        for line in grant.current.lines
    }
    data |= {
        "indirect": str(grant.current.indirect),
        "contingency": str(grant.current.contingency),
        "max_grant": "",
        "version": grant.version,
    }
    return data | changes


def test_a_smaller_budget_keeps_the_rate_and_lowers_the_maximum_grant(db, client, login_as, post):
    staff = login_as("staff")
    grant = make_grant("draft", staff=staff)  # 90,000 of 107,000
    _db.session.commit()
    first = grant.current.lines[0]
    cut = first.amount - D("10000.00")  # direct costs 90,000: indirect within 7 % of them
    page = client.get(f"/grants/{grant.id}/budget").get_data(as_text=True)
    assert "Correct the contract budget" in page and f'name="line_{first.id}"' in page
    response = post(
        f"/grants/{grant.id}/budget", _typed(grant, lines={0: str(cut)}, indirect="6300.00")
    )
    assert response.status_code == 302
    saved = _fresh(grant.id)
    assert saved.contract_total == D("96300.00")
    # 90,000 / 107,000 of 96,300, to the cent
    assert saved.max_grant == D("81000.00") == saved.current.max_grant
    assert Fraction(saved.max_grant) / Fraction(saved.contract_total) == Fraction(90000, 107000)
    assert saved.current.number == 1 and saved.current.lines[0].amount == cut
    assert saved.prefinancing_ceiling == ceiling(D("81000.00"), saved.grant_terms())
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "grant.budget_revised")
    ).one()
    assert event.before["max_grant"] == "90000.00" and event.after["max_grant"] == "81000.00"
    assert "81,000.00" in client.get(f"/grants/{grant.id}").get_data(as_text=True)


def test_turkish_amounts_are_read_as_a_turkish_officer_types_them(db, client, login_as, post):
    staff = login_as("staff", locale="tr")
    grant = make_grant("draft", staff=staff)
    _db.session.commit()
    before = grant.current.lines[0].amount
    shown = {  # the page shows the amounts as Turkish write them: 60.000,00
        k: f"{D(v):,.2f}".translate(str.maketrans(",.", ".,")) if k != "version" and v else v
        for k, v in _typed(grant).items()
    }
    first = f"line_{grant.current.lines[0].id}"
    assert shown[first] == f"{int(before):,}".replace(",", ".") + ",00"
    shown[first] = shown[first][:-3] + ",50"  # e.g. 60.000,50
    assert post(f"/grants/{grant.id}/budget", shown).status_code == 302
    assert _fresh(grant.id).current.lines[0].amount == before + D("0.50")


def test_refusals_name_the_field_and_keep_what_was_typed(db, client, login_as, post):
    staff = login_as("staff")
    grant = make_grant("draft", staff=staff)
    _db.session.commit()
    higher = post(f"/grants/{grant.id}/budget", _typed(grant, max_grant="95000.00"))
    page = higher.get_data(as_text=True)
    assert higher.status_code == 400
    assert "never raises it" in page and 'value="95000.00"' in page
    indirect = post(f"/grants/{grant.id}/budget", _typed(grant, indirect="99999.00"))
    assert indirect.status_code == 400
    assert "above the call&#39;s cap" in indirect.get_data(as_text=True)
    blank = post(f"/grants/{grant.id}/budget", _typed(grant, lines={0: ""}))
    assert blank.status_code == 400
    saved = _fresh(grant.id)
    assert (saved.max_grant, saved.contract_total, saved.version) == (
        D("90000.00"),
        D("107000.00"),
        1,
    )


def test_a_stale_save_is_refused_and_loses_nothing(db, client, login_as, post):
    staff = login_as("staff")
    grant = make_grant("draft", staff=staff)
    _db.session.commit()
    amount = grant.current.lines[0].amount
    other_tab = _typed(grant, lines={0: str(amount + 100)})
    assert post(f"/grants/{grant.id}/budget", other_tab).status_code == 302
    mine = _typed(grant, lines={0: str(amount + 200)}) | {"version": 1}
    response = post(f"/grants/{grant.id}/budget", mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this contract" in page
    assert f'value="{amount + 200}"' in page and 'name="version" value="2"' in page
    assert _fresh(grant.id).current.lines[0].amount == amount + 100


def test_only_a_draft_is_corrected(db, client, login_as, post):
    staff = login_as("staff")
    grant = make_grant("sent", staff=staff)
    _db.session.commit()
    response = client.get(f"/grants/{grant.id}/budget")
    assert response.status_code == 302 and response.location.endswith(f"/grants/{grant.id}")
    refused = post(
        f"/grants/{grant.id}/budget", _typed(grant, lines={0: "1.00"}), page=f"/grants/{grant.id}"
    )
    assert refused.status_code == 302
    assert _fresh(grant.id).contract_total == D("107000.00")
