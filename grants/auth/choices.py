"""Choices shown in organisation forms: countries (ISO 3166-1 alpha-2) and organisation types."""

from __future__ import annotations

import unicodedata

from babel import Locale
from flask_babel import get_locale
from wtforms import SelectChoice

from grants.i18n import lazy_gettext as _l
from grants.models import OrganisationType

# CLDR territories with two letters that are not ISO 3166-1 countries
_NOT_ISO = {
    "AC",
    "CP",
    "CQ",
    "DG",
    "EA",
    "EU",
    "EZ",
    "IC",
    "QO",
    "TA",
    "UN",
    "XA",
    "XB",
    "XK",
    "ZZ",
}

ORGANISATION_TYPE_LABELS = {
    OrganisationType.municipality: _l("Municipality"),
    OrganisationType.metropolitan_municipality: _l("Metropolitan municipality"),
    OrganisationType.special_provincial_administration: _l("Special provincial administration"),
    OrganisationType.union_of_municipalities: _l("Union of municipalities"),
    OrganisationType.governorate: _l("Governorate"),
    OrganisationType.district_governorate: _l("District governorate"),
    OrganisationType.local_authority: _l("Local authority (commune, district, town)"),
    OrganisationType.regional_authority: _l("Regional authority"),
    OrganisationType.association_of_local_authorities: _l("Association of local authorities"),
}


def _territories() -> dict[str, str]:
    return Locale.parse(str(get_locale())).territories


def _sort_key(name: str) -> str:
    """Sort 'Åland' with A and 'Türkiye' with T: compare letters without their accents."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def country_choices() -> list[SelectChoice]:
    """Every ISO country, named in the user's language and sorted by that name."""
    names = _territories()
    codes = [c for c in names if len(c) == 2 and c.isalpha() and c not in _NOT_ISO]
    return [SelectChoice(c, names[c]) for c in sorted(codes, key=lambda c: _sort_key(names[c]))]


def country_name(code: str | None) -> str:
    return _territories().get(code or "", code or "")


def organisation_type_choices() -> list[SelectChoice]:
    return [SelectChoice(t.value, label) for t, label in ORGANISATION_TYPE_LABELS.items()]


def organisation_type_label(value: OrganisationType | str | None) -> str:
    if value is None:
        return ""
    return str(ORGANISATION_TYPE_LABELS.get(OrganisationType(value), value))
