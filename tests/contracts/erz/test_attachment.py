"""The attachment files: every Vologda sample reads, writes back in its encoding, reads equal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from contracts.erz import attachment
from contracts.erz.files import FileRefused, Problem, attachment_protocol, read_file, write_file

MAPPED = {"ATM352530T35351_251028.xml": attachment.AttachmentFile,
          "FATM352530T35351_251028.xml": attachment.AttachmentProtocol,
          "PRKS35003M352530_24111.xml": attachment.AttachedList}


@pytest.mark.parametrize("name", sorted(MAPPED))
def test_every_sample_reads_and_round_trips_in_windows_1251(samples: Path, name: str) -> None:
    original = (samples / name).read_bytes()
    model = read_file(original)
    assert type(model) is MAPPED[name]
    written = write_file(model)
    assert written.startswith(b"<?xml version='1.0' encoding='windows-1251'?>")
    assert "е".encode("cp1251") in written and "е".encode() not in written  # not UTF-8
    assert read_file(written) == model


def test_the_att_sample_maps_to_what_a_clinic_sent(samples: Path) -> None:
    model = read_file((samples / "ATM352530T35351_251028.xml").read_bytes(),
                      attachment.AttachmentFile)
    assert model.header.clinic_oid == "1.2.643.5.1.13.13.12.2.35.3294"
    assert [r.enp for r in model.records][-1] == "3551110111001115"
    assert model.records[0].attached_from == date(2025, 10, 13)
    assert model.records[0].department_oid.endswith(".0.368692")


def test_empty_elements_of_prk_are_none_and_written_back_empty(samples: Path) -> None:
    model = read_file((samples / "PRKS35003M352530_24111.xml").read_bytes(),
                      attachment.AttachedList)
    first = model.persons[0]
    assert (first.attached_to, first.department_oid, first.building) == (None, None, "А")
    assert b"<DEND/>" in write_file(model) and b"<KOR/>" in write_file(model)


def test_the_answer_sample_keeps_element_paths_and_records(samples: Path) -> None:
    model = read_file((samples / "FATM352530T35351_251028.xml").read_bytes(),
                      attachment.AttachmentProtocol)
    assert [(e.tag, e.record) for e in model.errors] == [
        ("ATT\\REC\\DATE_ATTACH_B", 2), ("ATT\\REC\\DATE_ATTACH_B", 4), ("ATT\\REC", 5)]


def test_a_bad_att_gives_one_problem_per_fault_with_path_and_record(samples: Path) -> None:
    data = (samples / "ATM352530T35351_251028.xml").read_bytes()
    data = data.replace(b"<DATE_ATTACH_B>2025-10-13", b"<DATE_ATTACH_B>2025-13-13", 1)
    data = data.replace(b"<ENP>3551110111001113", b"<ENP>355", 1)
    with pytest.raises(FileRefused) as caught:
        read_file(data)
    problems = caught.value.problems
    assert [(p.code, p.tag, p.record, p.line) for p in problems] == [
        ("VALUE", "ATT\\REC\\DATE_ATTACH_B", "1", 19), ("VALUE", "ATT\\REC\\ENP", "3", 44)]
    assert "355" not in str(caught.value)  # personal values are never echoed


def test_missing_and_misordered_elements_are_structure_problems(samples: Path) -> None:
    data = (samples / "ATM352530T35351_251028.xml").read_bytes()
    data = data.replace(b"\t\t<W>2</W>\r\n", b"", 1)
    family = "<FAM>тест2</FAM>".encode("cp1251")
    data = data.replace(b"<N_ZAP>2</N_ZAP>\r\n\t\t" + family,
                        family + b"\r\n\t\t<N_ZAP>2</N_ZAP>")
    with pytest.raises(FileRefused) as caught:
        read_file(data)
    assert [(p.code, p.tag, p.record) for p in caught.value.problems] == [
        ("STRUCTURE", "ATT\\REC\\W", "1"), ("STRUCTURE", "ATT\\REC\\N_ZAP", "2")]
    assert "out of order" in caught.value.problems[1].message


@pytest.mark.parametrize("data", [
    b"<ATT><ZGLV>",
    b'<?xml version="1.0"?><!DOCTYPE ATT [<!ENTITY x SYSTEM "file:///etc/passwd">]><ATT>&x;</ATT>',
    b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><a>&b;</a>',
], ids=["truncated", "xxe", "entity-expansion"])
def test_malformed_or_hostile_xml_is_one_clear_problem(data: bytes) -> None:
    with pytest.raises(FileRefused) as caught:
        read_file(data)
    [problem] = caught.value.problems
    assert problem.code == "XML" and problem.record is None
    assert "passwd" not in problem.message or "DTD" in problem.message


def test_an_unknown_root_names_the_formats_expected() -> None:
    with pytest.raises(FileRefused, match="root ZL_LIST .no namespace. is not ATT"):
        read_file(b"<ZL_LIST/>", attachment.AttachmentFile)


def test_problems_make_the_flk_answer_of_the_att() -> None:
    answer = attachment_protocol("ATM352530T35351_251028.xml", [
        Problem("VALUE", "ATT\\REC\\ENP", "3", "ЕНП — 16 цифр")], result=3, on=date(2025, 10, 28))
    assert answer.header.file_name == "FATM352530T35351_251028"
    assert answer.header.source_file == "ATM352530T35351_251028"
    assert read_file(write_file(answer)) == answer
    assert answer.errors[0].record == 3
