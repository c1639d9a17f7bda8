"""The demo region's persons and organisations as the counterparts see them (``omshub up``).

The embedded hub's first start loads a synthetic region into the register
(``handlers.erz.demo``), and the СМЭВ 3 simulator plays ЗАГС, which reports deaths. For the
demo to hang together the simulated agency must name people of that region — yet a
handler and an adapter never import each other, and the simulator has no business
reading the register's tables. So the demo writes, next to the hub's data, a file of a few
of its persons in this shape (:data:`FILE` in the data directory), and a simulator that
finds it names those persons; without it (a production install, a test) a simulator keeps
its own fictitious samples. A file rather than a shared generator seed: the persons are
whatever the register was loaded with, and neither side needs the other's code.

The same file lists the region's organisations (:class:`DemoOrganisation`: its insurers,
СМО, and clinics, МО, by the codes the register's files are addressed to). The files
adapter, when no drop is configured and the file exists (the demo, never a production
install), sets up a folder drop for each under the data directory (:data:`EXCHANGE`), so
the register's answers land in a folder and a newcomer can drop an OPLIST in; a production
install without a drop for an organisation keeps dead-lettering its files (a fault of
configuration).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from contracts.zags import PERSONAL

FILE = "demo-persons.json"
"""The file's name in the hub's data directory."""
REGION_FILE = "demo-region.jsonl"
"""The file of the whole region's persons (:class:`DemoRegionPerson`, one JSON a line) in the
hub's data directory: the simulated ФЕРЗЛ builds its federal register from it."""
EXCHANGE = "exchange"
"""The demo's file exchange in the hub's data directory: ``exchange/<code>/in``, ``out``,
``archive``, ``errors`` for each organisation."""


class DemoPerson(BaseModel):
    """One person of the demo register, as an agency would identify them."""

    surname: str = Field(description="Фамилия.")
    name: str = Field(description="Имя.")
    patronymic: str = Field(default="", description="Отчество.")
    sex: Literal["1", "2"] = Field(description="1 male, 2 female.")
    birth_date: date = Field(description="Date of birth.")
    snils: str = Field(default="", description="СНИЛС, 11 digits.")
    enp: str = Field(default="", description="ЕНП, the number of the person's policy.")
    passport: str = Field(default="", description="Series and number of the passport as "
                          "written (``78 05 123456``); empty when the person has none.")
    address: str = Field(default="", description="Address of registration, as text.")


class DemoOrganisation(BaseModel):
    """An insurer (СМО) or clinic (МО) of the demo region, as the register addresses it."""

    code: str = Field(pattern=r"^\d{5,6}$", description="The organisation's code in the "
                      "register's files (5 digits for an СМО, 6 for an МО): the recipient of "
                      "its files.send and the sender in its files' names.")
    kind: Literal["СМО", "МО"] = Field(description="Insurer (СМО) or clinic (МО).")
    title: str = Field(default="", description="What the demo calls it.")


class DemoPersons(BaseModel):
    """What the demo leaves for the simulators: the region and some of its persons."""

    region: str = Field(description="The region's name, as its documents write it.")
    region_code: str = Field(pattern=r"^\d{2}$", description="The region's code (КЛАДР's "
                             "first two digits, e.g. 76).")
    okato: str = Field(default="", description="The region's ОКАТО code (11 digits).")
    persons: list[DemoPerson] = Field(description="Persons of the register, adults first.")
    organisations: list[DemoOrganisation] = Field(
        default_factory=list, description="The region's insurers and clinics (an older "
        "file has none).")

    def write(self, data_dir: Path) -> Path:
        """Write the file into ``data_dir``; returns its path."""
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / FILE
        path.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        return path

    @classmethod
    def read(cls, data_dir: Path) -> DemoPersons | None:
        """The file in ``data_dir``; None when there is none (not a demo installation)."""
        path = data_dir / FILE
        if not path.is_file():
            return None
        return cls.model_validate_json(path.read_text(encoding="utf-8"))


class DemoRegionPerson(BaseModel):
    """One person of the demo region in the fund's terms: what a federal register (ФЕРЗЛ)
    holds about them, so the simulated ФЕРЗЛ agrees with the region but for what it plants."""

    enp: str = Field(description="ЕНП (16 digits).")
    snils: str = Field(default="", json_schema_extra=PERSONAL, description="СНИЛС, 11 digits.")
    surname: str = Field(json_schema_extra=PERSONAL, description="Фамилия.")
    name: str = Field(json_schema_extra=PERSONAL, description="Имя.")
    patronymic: str = Field(default="", json_schema_extra=PERSONAL, description="Отчество.")
    sex: Literal["1", "2"] = Field(description="1 male, 2 female.")
    birth_date: date = Field(json_schema_extra=PERSONAL, description="Date of birth.")
    document_type: str = Field(default="", description="ДУДЛ type (14 passport, 3 birth "
                               "certificate).")
    document_series: str = Field(default="", json_schema_extra=PERSONAL, description="Series.")
    document_number: str = Field(default="", json_schema_extra=PERSONAL, description="Number.")
    document_issued: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                         description="Date of issue.")
    policy_type: str = Field(default="", description="Policy form (П, Э, В…).")
    policy_number: str = Field(default="", description="Policy number (the ЕНП, or a "
                               "temporary certificate's number).")
    insurer: str = Field(default="", description="Insurer (СМО) code, 5 digits.")
    policy_start: date | None = Field(default=None, description="Policy valid from.")
    policy_end: date | None = Field(default=None, description="Policy valid to.")
    mo: str = Field(default="", description="Clinic (МО) code of the attachment, 6 digits.")
    district: str = Field(default="", description="Attachment district (участок).")
    attach_method: str = Field(default="", description="Attachment method 1..4.")
    attach_start: date | None = Field(default=None, description="Attached since.")
    doctor_snils: str = Field(default="", json_schema_extra=PERSONAL,
                              description="The district doctor's СНИЛС.")
    death_date: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                    description="Date of death, when the region knows it.")


def write_region(data_dir: Path, persons: Iterable[DemoRegionPerson]) -> Path:
    """Write the region's persons into ``data_dir`` (:data:`REGION_FILE`) line by line;
    returns its path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / REGION_FILE
    with path.open("w", encoding="utf-8") as out:
        for person in persons:
            out.write(person.model_dump_json() + "\n")
    return path


def read_region(data_dir: Path) -> Iterator[DemoRegionPerson] | None:
    """The region's persons from ``data_dir``, read as a stream; None when there is no file
    (not a demo installation)."""
    path = data_dir / REGION_FILE
    if not path.is_file():
        return None

    def lines() -> Iterator[DemoRegionPerson]:
        with path.open(encoding="utf-8") as source:
            for line in source:
                if line.strip():
                    yield DemoRegionPerson.model_validate_json(line)
    return lines()
