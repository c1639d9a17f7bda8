"""Registry file names taken apart and built again."""

from __future__ import annotations

import pytest

from handlers.pump.cli import parse_break
from handlers.pump.names import BadName, parse_name
from handlers.pump.synth.packages import Break


def test_names_of_the_readme_and_the_d_types() -> None:
    name = parse_name("HM250200T25_16102031")
    assert (name.type, name.sender, name.receiver, name.period, name.number) == (
        "H", "250200", "25", "2016-10", "2031")
    assert name.stem == "HM250200T25_16102031"
    assert name.personal().stem == "LM250200T25_16102031"
    assert parse_name("DPM020101T02_24115.zip").type == "DP"


@pytest.mark.parametrize("bad", ["HM020101T02_24131", "XM020101T02_24031", "HM020101_2403",
                                 "счёт.zip", ""])
def test_names_outside_the_convention_are_refused_in_russian(bad: str) -> None:
    with pytest.raises(BadName, match="имя|месяц"):
        parse_name(bad)


def test_a_break_of_the_cli() -> None:
    assert parse_break("Z_SL/SL/DS1@3=ГРИПП") == Break("Z_SL/SL/DS1", "ГРИПП", "H", 3)
    assert parse_break("L:FAM@2=") == Break("FAM", None, "L", 2)
