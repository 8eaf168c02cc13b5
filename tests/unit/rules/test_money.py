import ast
from decimal import Decimal
from pathlib import Path

import pytest

from grants.rules.money import money, rate

RULES = Path(__file__).parents[3] / "grants" / "rules"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.005", "1.01"),
        ("1.004", "1.00"),
        ("-1.005", "-1.01"),
        (7, "7.00"),
        (Decimal("2.675"), "2.68"),
        (" 10 ", "10.00"),
    ],
)
def test_money_rounds_half_up_to_cents(value, expected):
    assert str(money(value)) == expected


def test_rate_rounds_half_up_to_four_places():
    assert str(rate(Decimal(2) / Decimal(3))) == "0.6667"
    assert str(rate("0.12345")) == "0.1235"


@pytest.mark.parametrize("value", [0.1, True, None, [1]])
def test_money_refuses_float_and_non_numbers(value):
    with pytest.raises(TypeError):
        money(value)


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", ""])
def test_money_refuses_text_that_is_no_finite_number(value):
    with pytest.raises(ValueError):
        money(value)


def test_rules_import_neither_flask_nor_sqlalchemy():
    for path in RULES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                assert top not in {"flask", "flask_sqlalchemy", "sqlalchemy", "grants"}, (
                    path.name,
                    name,
                )
