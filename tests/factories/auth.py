"""The registration form's data."""

from __future__ import annotations

ORG = {
    "name": "Nilüfer Belediyesi",
    "type": "municipality",
    "country": "TR",
    "region": "Bursa",
    "population": "500000",
    "legal_id": "TR-123",
    "address": "Nilüfer, Bursa",
}


ACCOUNT = {
    "full_name": "Ayşe Yılmaz",
    "email": "Ayse@Nilufer.bel.tr",
    "password": "long enough pw",
    "confirm": "long enough pw",
}
