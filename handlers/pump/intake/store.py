"""A package taken in: checked as a whole, its persons and cases stored in bulk, or refused.

Everything of one package is written under a savepoint: a problem found anywhere (the
XSD's verdict comes only at the end of a file) rolls its rows back and leaves one refused
row with the reason, so that nothing of a refused package is half there and nothing else
in the transaction is lost. Rows go in by COPY on PostgreSQL (storage/bulk.py), a chunk at
a time, so memory stays that of a chunk whatever the package's size.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.engine import Connection

from contracts.schemas import SchemaNotFound, SchemaStore
from handlers.pump.intake.archive import Package, open_package
from handlers.pump.intake.problems import DUPLICATE, LINK, NAME, ZIP, Problem, Refused, refuse
from handlers.pump.intake.reader import records, text
from handlers.pump.models import ACCEPTED, REFUSED, pump_cases, pump_packages, pump_persons
from handlers.pump.names import BadName, parse_name
from handlers.pump.settings import PumpSettings
from handlers.pump.xml import H_NS, L_NS, SCHEMAS
from storage.bulk import copy_rows

CHUNK = 5_000
"""Rows per COPY."""
PERSON_COLUMNS = ("package_id", "id_pac", "surname", "name", "patronymic", "sex", "born",
                  "snils", "doc_type", "doc_series", "doc_number")
CASE_COLUMNS = ("package_id", "n_zap", "idcase", "pr_nov", "id_pac", "vpolis", "npolis",
                "usl_ok", "date_z_1", "date_z_2", "rslt", "sumv", "sl_ids", "services")


@dataclass(frozen=True)
class Received:
    """What the channel said of the package (``files.received``)."""

    file_name: str
    sender: str
    drop: str
    message_id: str
    sha256: str
    size: int
    received_at: datetime


@dataclass
class Outcome:
    """The package's row: accepted with its counts, or refused with its problems."""

    package_id: int
    accepted: bool
    cases: int = 0
    persons: int = 0
    problems: list[Problem] = field(default_factory=list)


def take(conn: Connection, data: bytes, got: Received, schemas: SchemaStore | None,
         limits: PumpSettings | None = None) -> Outcome:
    """Take one package in within the caller's transaction."""
    limits = limits or PumpSettings()
    head = _head(got)
    try:
        _not_accepted(conn, "sha256", got.sha256, got.file_name)
        package = open_package(data, got.file_name, limits)
        n = package.name
        head = {"name": n.stem, "file_type": n.type, "mo": n.sender, "period": n.period}
        _not_accepted(conn, "name", n.stem, got.file_name, mo=n.sender, period=n.period)
        with conn.begin_nested():
            package_id = _row(conn, got, head, "receiving", None)
            persons, cases, total = _read(conn, package_id, package, schemas)
            conn.execute(pump_packages.update().where(pump_packages.c.id == package_id).values(
                status=ACCEPTED, persons=persons, cases=cases, total=total))
        return Outcome(package_id, True, cases, persons)
    except Refused as exc:
        problem = exc.problem
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        problem = Problem(ZIP, f"Пакет «{got.file_name}» повреждён: {exc}", got.file_name)
    except sa.exc.IntegrityError:
        # Another worker accepted the same package in the meantime.
        problem = Problem(DUPLICATE, f"Пакет «{got.file_name}» уже принят", got.file_name)
    return Outcome(_row(conn, got, head, REFUSED, problem), False, problems=[problem])


def _head(got: Received) -> dict[str, Any]:
    """What the package's name says, for its row even when it is refused."""
    try:
        n = parse_name(got.file_name)
    except BadName:
        return {"name": "", "file_type": "", "mo": got.sender, "period": ""}
    return {"name": n.stem, "file_type": n.type, "mo": n.sender, "period": n.period}


def _not_accepted(conn: Connection, column: str, value: str, file_name: str,
                  **more: str) -> None:
    t = pump_packages
    query = sa.select(t.c.file_name, t.c.received_at).where(
        t.c[column] == value, t.c.status == ACCEPTED,
        *(t.c[k] == v for k, v in more.items()))
    before = conn.execute(query).first()
    if before is not None:
        how = "с тем же содержимым" if column == "sha256" else "с тем же именем"
        raise refuse(DUPLICATE, f"Пакет «{file_name}»: пакет {how} («{before.file_name}») "
                     f"уже принят {before.received_at:%d.%m.%Y %H:%M}", file_name)


def _row(conn: Connection, got: Received, head: dict[str, Any], status: str,
         problem: Problem | None) -> int:
    values = {"file_name": got.file_name, "sender": got.sender, "drop": got.drop,
              "message_id": got.message_id, "sha256": got.sha256, "size": got.size,
              "received_at": got.received_at, "status": status,
              "reason": problem.message if problem else "",
              "problems": [problem.as_json()] if problem else [], "cases": 0, "persons": 0,
              **head}
    return int(conn.execute(pump_packages.insert().values(**values)
                            .returning(pump_packages.c.id)).scalar_one())


def _schema(schemas: SchemaStore | None, kind: str) -> etree.XMLSchema | None:
    if schemas is None:
        return None
    try:
        return schemas.schema(SCHEMAS[kind[0]][0])
    except SchemaNotFound:
        return None


def _read(conn: Connection, package_id: int, package: Package,
          schemas: SchemaStore | None) -> tuple[int, int, Decimal | None]:
    """Persons of the L file, then the cases of the main file; (persons, cases, SUMMAV)."""
    ids = _persons(conn, package_id, package, _schema(schemas, "L"))
    cases, total = _cases(conn, package_id, package, ids, _schema(schemas, package.name.type))
    return len(ids), cases, total


def _persons(conn: Connection, package_id: int, package: Package,
             schema: etree.XMLSchema | None) -> set[str]:
    ns, file, name = L_NS, package.personal, package.name
    ids: set[str] = set()
    rows: list[tuple[Any, ...]] = []
    for el in records(lambda: package.zip.open(file), file, ns, "PERS", schema):
        if el.tag == f"{{{ns}}}ZGLV":
            _same(file, "ZGLV/FILENAME", text(el, "FILENAME", ns), name.personal().stem)
            _same(file, "ZGLV/FILENAME1", text(el, "FILENAME1", ns), name.stem)
            continue
        id_pac = text(el, "ID_PAC", ns) or ""
        if id_pac in ids:
            raise refuse(LINK, f"Файл «{file}»: ID_PAC «{id_pac}» повторяется", file)
        ids.add(id_pac)
        rows.append(_person(el, ns, package_id, id_pac))
        if len(rows) >= CHUNK:
            copy_rows(conn, pump_persons, PERSON_COLUMNS, rows)
            rows = []
    copy_rows(conn, pump_persons, PERSON_COLUMNS, rows)
    return ids


def _cases(conn: Connection, package_id: int, package: Package, ids: set[str],
           schema: etree.XMLSchema | None) -> tuple[int, Decimal | None]:
    ns, file, name = H_NS, package.main, package.name
    seen_zap: set[int] = set()
    seen_case: set[int] = set()
    rows: list[tuple[Any, ...]] = []
    total: Decimal | None = None
    for el in records(lambda: package.zip.open(file), file, ns, "ZAP", schema):
        if el.tag == f"{{{ns}}}ZGLV":
            _same(file, "ZGLV/FILENAME", text(el, "FILENAME", ns), name.stem)
            continue
        if el.tag == f"{{{ns}}}SCHET":
            _same(file, "SCHET/CODE_MO", text(el, "CODE_MO", ns), name.sender)
            _same(file, "SCHET/YEAR", text(el, "YEAR", ns), str(name.year))
            _same(file, "SCHET/MONTH", str(_int(text(el, "MONTH", ns))), str(name.month))
            total = _money(text(el, "SUMMAV", ns))
            continue
        row = _case(el, ns, package_id, file)
        n_zap, idcase, id_pac = row[1], row[2], row[4]
        if n_zap in seen_zap or idcase in seen_case:
            raise refuse(LINK, f"Файл «{file}»: N_ZAP {n_zap} или IDCASE {idcase} "
                         "повторяется", file)
        if id_pac not in ids:
            raise refuse(LINK, f"Файл «{file}», N_ZAP {n_zap}: пациента с ID_PAC «{id_pac}» "
                         f"нет в файле «{package.personal}»", file)
        seen_zap.add(n_zap)
        seen_case.add(idcase)
        rows.append(row)
        if len(rows) >= CHUNK:
            copy_rows(conn, pump_cases, CASE_COLUMNS, rows)
            rows = []
    copy_rows(conn, pump_cases, CASE_COLUMNS, rows)
    return len(seen_zap), total


def _person(el: etree._Element, ns: str, package_id: int, id_pac: str) -> tuple[Any, ...]:
    def t(path: str) -> str | None:
        return text(el, path, ns)

    return (package_id, id_pac, t("FAM") or "", t("IM") or "", t("OT"), _int(t("W")),
            _date(t("DR")), t("SNILS"), t("DOCTYPE"), t("DOCSER"), t("DOCNUM"))


def _case(el: etree._Element, ns: str, package_id: int, file: str) -> tuple[Any, ...]:
    def t(path: str) -> str | None:
        return text(el, path, ns)

    n_zap, idcase = _int(t("N_ZAP")), _int(t("Z_SL/IDCASE"))
    if n_zap is None or idcase is None:
        raise refuse(LINK, f"Файл «{file}»: запись без N_ZAP или IDCASE (N_ZAP {t('N_ZAP')})",
                     file)
    sls = el.findall(f"{{{ns}}}Z_SL/{{{ns}}}SL")
    sl_ids = [(s.findtext(f"{{{ns}}}SL_ID") or "").strip() for s in sls]
    services = sum(len(s.findall(f"{{{ns}}}USL")) for s in sls)
    return (package_id, n_zap, idcase, _int(t("PR_NOV")) or 0, t("PACIENT/ID_PAC") or "",
            _int(t("PACIENT/VPOLIS")), t("PACIENT/NPOLIS"), _int(t("Z_SL/USL_OK")),
            _date(t("Z_SL/DATE_Z_1")), _date(t("Z_SL/DATE_Z_2")), _int(t("Z_SL/RSLT")),
            _money(t("Z_SL/SUMV")), sl_ids, services)


def _same(file: str, what: str, found: str | None, expected: str) -> None:
    if (found or "") != expected:
        raise refuse(NAME, f"Файл «{file}»: {what} = «{found or ''}», а по имени пакета "
                     f"должно быть «{expected}»", file)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _money(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None
