"""Exchange file names parse into their parts and build back."""

from __future__ import annotations

import pytest

from contracts.erz.names import BadFileName, Party, build_name, parse_name


@pytest.mark.parametrize(("name", "kind", "sender", "receiver", "year", "month", "suffix"), [
    ("ATM352530T35351_251028", "AT", "M352530", "T35351", 2025, 10, "28"),
    ("FATM352530T35351_251028", "FAT", "M352530", "T35351", 2025, 10, "28"),
    ("PRKS35003M352530_24111.xml", "PRK", "S35003", "M352530", 2024, 11, "1"),
    ("OZPS35003M352530_2501.xml", "OZP", "S35003", "M352530", 2025, 1, ""),
    ("OPS35003T35_2501151", "OP", "S35003", "T35", 2025, 1, "151"),
    ("STOPT35S35003_2501", "STOP", "T35", "S35003", 2025, 1, ""),
])
def test_sample_names_parse(name: str, kind: str, sender: str, receiver: str, year: int,
                            month: int, suffix: str) -> None:
    parsed = parse_name(name)
    assert (parsed.kind, str(parsed.sender), str(parsed.receiver), parsed.year, parsed.month,
            parsed.suffix) == (kind, sender, receiver, year, month, suffix)
    assert parsed.stem == name.removesuffix(".xml")
    assert parsed.sender.region == "35"


def test_the_answer_name_is_f_plus_the_file_name() -> None:
    att = parse_name("ATM352530T35351_251028.xml")
    assert not att.is_protocol
    assert str(att.protocol()) == "FATM352530T35351_251028.xml"
    assert att.protocol().is_protocol


def test_names_build_and_refuse_what_would_not_read_back() -> None:
    built = build_name("PRK", Party("S", "35003"), Party("M", "352530"), 2024, 11, "1")
    assert str(built) == "PRKS35003M352530_24111.xml"
    with pytest.raises(BadFileName, match="M, S or T"):
        Party("X", "35")  # type: ignore[arg-type]
    with pytest.raises(BadFileName, match="would not read back"):
        build_name("PRK", Party("S", "35003"), Party("M", "352530"), 1999, 11)


@pytest.mark.parametrize("name", ["ATM352530T35351251028", "ATX352530T35_2510", "AT_2510",
                                  "ATM352530T35351_2513", "ATM352530T35351_25"])
def test_malformed_names_are_refused_with_the_expected_shape(name: str) -> None:
    with pytest.raises(BadFileName, match="<kind><sender><receiver>|month"):
        parse_name(name)
