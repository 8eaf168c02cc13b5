"""The application's budget and project pages: their URL, form data and autosave."""

from __future__ import annotations

import re

from grants.extensions import db as database
from grants.models import Application


def _url(application) -> str:
    return f"/applications/{application.id}/budget"


def _reload(application) -> Application:
    database.session.expire_all()
    return database.session.get(Application, application.id)


def _form(application, lines=None, **amounts) -> dict:
    """The page's form as a browser would send it: the saved lines unless `lines` is given."""
    if lines is None:
        lines = [
            dict(
                line_id=str(b.id),
                heading=str(b.heading),
                description=b.description,
                unit=b.unit,
                quantity=str(b.quantity),
                unit_cost=str(b.unit_cost),
                organisation=str(b.organisation_id),
            )
            for b in application.budget_lines
        ]
    data = {
        "version": str(application.version),
        "indirect": "7000.00",
        "contingency": "0",
        "requested_grant": "90000.00",
        **amounts,
    }
    for i, line in enumerate(lines):
        data |= {f"lines-{i}-{k}": v for k, v in line.items()}
    return data


def _line(
    org, description="Interpreters", heading="5", quantity="10", unit_cost="100.00", **kw
) -> dict:
    return dict(
        heading=heading,
        description=description,
        unit="day",
        quantity=quantity,
        unit_cost=unit_cost,
        organisation=str(org.id),
        **kw,
    )


def autosave(client, url: str, data: dict):
    """What htmx sends while the user types: the page's form, marked as an autosave."""
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(
        url, data={**data, "autosave": "1", "csrf_token": token}, headers={"HX-Request": "true"}
    )
