"""Plausible project texts for generated applications: sentences drawn from town-twinning
phrases."""

from __future__ import annotations

import random

PROVINCES = [
    "Adana",
    "Ankara",
    "Antalya",
    "Aydın",
    "Balıkesir",
    "Bursa",
    "Denizli",
    "Diyarbakır",
    "Edirne",
    "Erzurum",
    "Eskişehir",
    "Gaziantep",
    "Hatay",
    "İzmir",
    "Kayseri",
    "Konya",
    "Malatya",
    "Manisa",
    "Mardin",
    "Mersin",
    "Muğla",
    "Ordu",
    "Sakarya",
    "Samsun",
    "Trabzon",
    "Van",
]
EU_REGIONS = [
    "Bavaria",
    "Brittany",
    "Tuscany",
    "Andalusia",
    "Flanders",
    "Silesia",
    "Transylvania",
    "Moravia",
    "Styria",
    "Lower Saxony",
    "Zeeland",
    "Catalonia",
    "Attica",
    "Dalmatia",
    "Lapland",
    "Galicia",
]
THEMES = [
    "environment",
    "culture",
    "youth",
    "local democracy",
    "social inclusion",
    "tourism",
    "urban mobility",
    "disaster resilience",
    "energy efficiency",
    "gender equality",
]
SUBJECTS = [
    "The twinned municipalities",
    "Both local authorities",
    "The partnership",
    "Municipal staff",
    "The joint working group",
    "Young volunteers",
    "Neighbourhood councils",
    "Local schools",
]
VERBS = [
    "will exchange practice on",
    "will draft a joint plan for",
    "will pilot",
    "will train staff in",
    "will organise study visits about",
    "will publish a guide to",
    "will set up a citizens' forum on",
    "will measure and compare",
]
OBJECTS = [
    "waste separation and recycling",
    "cultural heritage routes",
    "youth participation in local decisions",
    "public transport for older residents",
    "energy audits of public buildings",
    "emergency planning",
    "accessible public spaces",
    "open council data",
    "sustainable tourism",
    "social services for migrants",
]
ENDINGS = [
    "over the two years of the project.",
    "with the support of local civil society.",
    "so that the results outlast the grant.",
    "and share the lessons with other municipalities.",
    "in line with the EU acquis in this field.",
    "with measurable targets for each year.",
]
PROJECT_WORDS = [
    "Green",
    "Bridges",
    "Shared",
    "Future",
    "Heritage",
    "Young",
    "Open",
    "Resilient",
    "Smart",
    "Twin",
]
NOUNS = ["Towns", "Streets", "Voices", "Rivers", "Squares", "Councils", "Routes", "Neighbours"]
COMMENTS = [
    "Clearly argued and consistent with the guidelines.",
    "Convincing evidence of past cooperation.",
    "The activities are feasible within the planned months.",
    "Budget is realistic but staff costs are high.",
    "Target groups are described only in general terms.",
    "Sustainability after the grant is not explained.",
    "Strong link to the local development plan.",
    "The partner's role is limited to hosting visits.",
]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(ENDINGS)}"


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def title(rng: random.Random, n: int) -> tuple[str, str]:
    a, b = rng.choice(PROJECT_WORDS), rng.choice(NOUNS)
    return f"{a} {b}: {rng.choice(OBJECTS)} ({n})", f"{a[:3]}{b[:3]}{n}".upper()[:40]


LINES = {
    1: "Project coordinator and local staff",
    2: "Study visits between the twinned towns",
    3: "Equipment for the pilot activities",
    4: "Project office rent and utilities",
    5: "Translation, printing and external expertise",
    6: "Visibility events and publications",
}


def budget_line(rng: random.Random, heading: int) -> str:
    return f"{LINES[heading]} ({rng.choice(OBJECTS)})"


def comment(rng: random.Random) -> str:
    return rng.choice(COMMENTS)
