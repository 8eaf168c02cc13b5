"""The accessibility walk's page list (tests/security/pages.py) names every page of the application
(issue 13)."""

from __future__ import annotations

from tests.security.access_table import ROUTES
from tests.security.pages import NOT_PAGES, PAGES, WALK_ROLES, roles_for


def test_every_get_route_is_a_walked_page_or_said_not_to_be_one(app):
    get_routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    missing = sorted(get_routes - PAGES.keys() - NOT_PAGES.keys())
    assert not missing, (
        "GET routes the accessibility walk does not open: add them to PAGES in "
        f"tests/security/pages.py (or to NOT_PAGES if they are not pages): {missing}"
    )
    assert not PAGES.keys() & NOT_PAGES.keys()
    gone = sorted((PAGES.keys() | NOT_PAGES.keys()) - get_routes)
    assert not gone, (
        f"tests/security/pages.py names routes that do not exist or answer no GET: {gone}"
    )


def test_every_page_is_walked_by_someone_who_may_open_it():
    for endpoint, visits in PAGES.items():
        assert visits and ROUTES[endpoint].get, endpoint
        for visit in visits:
            roles = roles_for(endpoint, visit)
            assert roles and set(roles) <= set(WALK_ROLES), (endpoint, visit)
