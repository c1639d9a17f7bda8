"""What the register's console screens show: search rows, a person card, the timeline.

Plain dictionaries of strings built from the register's queries, masked through the
console's :class:`~admin.privacy.Privacy` (names, СНИЛС, ЕНП, birth dates, documents,
addresses and contacts hidden unless the account may see personal data). The pages, the
JSON API and the Excel export all read these, so that they mask in exactly the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from admin.privacy import Privacy
from contracts.erz.register import Change, PersonState
from contracts.oms import mask_policy, mask_snils
from handlers.erz import models as m
from handlers.erz.console.criteria import PAGE_SIZE, Criteria
from handlers.erz.console.protocols import file_name
from handlers.erz.register import queries
from handlers.erz.register.errors import ErzError
from hub.masking import mask_all, mask_date, mask_name

SEX = {"1": "муж.", "2": "жен."}
DOC_TYPES = {"14": "паспорт РФ", "3": "свидетельство о рождении"}

_MASKS: dict[str, Callable[[str], str]] = {
    "surname": mask_name, "name": mask_name, "patronymic": mask_name,
    "birth_place": mask_name, "birth_date": mask_date, "enp": mask_policy,
    "snils": mask_snils, "doctor_snils": mask_snils, "series": mask_all, "number": mask_all,
    "issuer": mask_all, "text": mask_all, "value": mask_all, "fias_guid": mask_all,
    "kladr": mask_all, "postcode": mask_all, "act_number": mask_all, "document": mask_all,
    "death_date": mask_date, "issue_date": mask_date, "address": mask_all, "phone": mask_all,
    "email": mask_all,
}
"""How each personal field of the register is masked (by its column name)."""


def shown(privacy: Privacy, key: str, value: Any) -> str:
    """A register value as text, masked by its field name unless the account may see it."""
    if value is None or value == "":
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    mask = _MASKS.get(key)
    return text if privacy.unmasked or mask is None else mask(text)


def format_snils(digits: str | None) -> str:
    """``12345678901`` → ``123-456-789 01`` (the register keeps digits only)."""
    if not digits or len(digits) != 11:
        return digits or ""
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def summary(state: PersonState, privacy: Privacy,
            born: date | None = None) -> dict[str, str]:
    """One search result row: ЕНП, ФИО, birth date, СНИЛС, policy, insurer, clinic, status
    (``born``: the birth date known now, for a state before the person's data begins)."""
    d, pol, att = state.data, state.policy, state.attachment
    return {
        "ref": ref(state.id, state.enp, privacy), "enp": shown(privacy, "enp", state.enp),
        "surname": shown(privacy, "surname", d.surname if d else ""),
        "name": shown(privacy, "name", d.name if d else ""),
        "patronymic": shown(privacy, "patronymic", d.patronymic if d else ""),
        "birth_date": shown(privacy, "birth_date", d.birth_date if d else None),
        "sex": SEX.get(d.sex, d.sex) if d else "",
        "snils": shown(privacy, "snils", format_snils(state.snils)),
        "policy": shown(privacy, "enp", pol.number) if pol else "",
        "smo": pol.smo if pol else "", "mo": att.mo if att else "",
        "status": life_status(state, privacy, born),
    }


def ref(person_id: int, enp: str, privacy: Privacy) -> str:
    """How pages link to a person: the ЕНП, or for a masked account the internal id
    (``id42``), so that links and the API never show a ЕНП the page masks."""
    return enp if privacy.unmasked else f"id{person_id}"


def resolve(conn: Connection, key: str) -> str | None:
    """The ЕНП a :func:`ref` names (None when nobody)."""
    if key.startswith("id") and key[2:].isdigit():
        found = conn.execute(sa.select(m.persons.c.enp).where(
            m.persons.c.id == int(key[2:]))).scalar()
        return str(found) if found is not None else None
    return key if queries.find_by_enp(conn, key) else None


NO_DATA = "нет сведений на эту дату"
UNBORN = "на эту дату ещё не родился"


def life_status(state: PersonState, privacy: Privacy | None = None,
                born: date | None = None) -> str:
    """Alive, dead since the date of death (masked unless the account may see it), or
    nothing known on the date: not yet born when ``born`` (the birth date as known now)
    says so, else no data (the register knew nobody on that date)."""
    if state.data is None:
        return UNBORN if born is not None and state.on < born else NO_DATA
    if state.on < state.data.birth_date:
        return UNBORN
    if state.death is None:
        return "жив"
    when = state.death.death_date.isoformat()
    return f"умер {ru_date(shown(privacy, 'death_date', when) if privacy else when)}"


def search(conn: Connection, c: Criteria, privacy: Privacy, on: date, *, page: int = 1,
           size: int = PAGE_SIZE) -> tuple[list[dict[str, str]], int]:
    """One page of results (as of ``on``) and the total number found.

    A masked account's criteria must be whole identifiers (ValueError otherwise).
    """
    if not privacy.unmasked:
        c.require_whole()
    enps, total = queries.search(conn, c.filter(), offset=(max(page, 1) - 1) * size,
                                 limit=size)
    return [summary(queries.person_as_of(conn, e, on), privacy) for e in enps], total


def ru_date(text: str) -> str:
    """A date as the pages show it: ``1980-05-17`` → ``17.05.1980``, a masked one
    ``****-**-**`` → ``**.**.****``; any other text as it is."""
    if len(text) == 10 and text[4] == text[7] == "-":
        return f"{text[8:]}.{text[5:7]}.{text[:4]}"
    return text


def card(state: PersonState, privacy: Privacy, born: date | None = None) -> dict[str, Any]:
    """Everything the register knows of a person on ``state.on``, masked."""
    d, doc, pol, att = state.data, state.document, state.policy, state.attachment

    def s(key: str, value: Any) -> str:
        return shown(privacy, key, value)

    return {
        **summary(state, privacy, born), "on": state.on.isoformat(),
        "birth_place": s("birth_place", d.birth_place if d else ""),
        "document": {"type": DOC_TYPES.get(doc.doc_type, doc.doc_type),
                     "series": s("series", doc.series), "number": s("number", doc.number),
                     "issued": s("birth_date", doc.issue_date), "issuer": s("issuer", doc.issuer)}
        if doc else None,
        "policy_detail": {"type": pol.policy_type, "number": s("enp", pol.number),
                          "smo": pol.smo, "begin": pol.date_begin.isoformat(),
                          "end": pol.date_end.isoformat() if pol.date_end else "",
                          "stop": pol.date_stop.isoformat() if pol.date_stop else "",
                          "status": pol.status} if pol else None,
        "attachment": {"mo": att.mo, "department": att.department, "district": att.district,
                       "doctor_snils": s("doctor_snils", format_snils(att.doctor_snils)),
                       "since": att.date_attach.isoformat(), "method": att.method}
        if att else None,
        "addresses": [{"kind": {"reg": "регистрация", "live": "пребывание"}.get(k, k),
                       "text": s("text", a.text)} for k, a in sorted(state.addresses.items())],
        "contacts": [{"kind": k, "value": s("value", c.value)}
                     for k, c in sorted(state.contacts.items())],
        "death": {"date": s("death_date", state.death.death_date),
                  "act": s("act_number", state.death.act_number)} if state.death else None,
    }


ENDING_OPS = frozenset({"detach", "stop_policy", "annul_policy"})
"""Operations whose change log records the facts of what they ended (the district left,
the policy stopped): those are old values, read ``16 → —``."""


def _differences(detail: Mapping[str, Any], privacy: Privacy,
                 op: str = "") -> list[dict[str, str]]:
    if "old" not in detail and "new" not in detail:  # a stop, a death: the facts recorded
        ended = op in ENDING_OPS
        return [{"field": k, "old": shown(privacy, k, v) if ended else "",
                 "new": "" if ended else shown(privacy, k, v)}
                for k, v in detail.items() if v is not None]
    old, new = detail.get("old") or {}, detail.get("new") or {}
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return [{"field": "", "old": "", "new": privacy.text(str(detail))}]
    out = []
    for key in list(new) + [k for k in old if k not in new]:
        before, after = old.get(key), new.get(key)
        if before != after and not (key.endswith("_key") or key == "fact_id"):
            out.append({"field": key, "old": shown(privacy, key, before),
                        "new": shown(privacy, key, after)})
    return out


def _personal_dates(changes: list[Change]) -> frozenset[str]:
    """Dates the changes record as personal (birth, death, a document's issue): a change
    effective on one of them would tell it."""
    found: set[str] = set()

    def walk(value: Any, key: str) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif value and _MASKS.get(key) is mask_date:
            found.add(str(value)[:10])

    for ch in changes:
        walk(ch.detail, "")
    return frozenset(found)


def change(ch: Change, privacy: Privacy,
           personal_dates: frozenset[str] = frozenset()) -> dict[str, Any]:
    """One timeline entry: when, from when, what changed, who, from where, why.

    The effective date is masked, for an account that may not see personal data, when it
    is one of ``personal_dates`` (a change effective on the death date tells the date).
    """
    reason = " ".join(x for x in (ch.event_code, ch.reason_code, ch.reason_text) if x)
    if ch.source_file and not privacy.unmasked:  # "ATT <file> N_ZAP 3": the name, masked
        reason = reason.replace(ch.source_file, file_name(privacy, ch.source_file))
    effective = ch.effective_date.isoformat() if ch.effective_date else ""
    if effective in personal_dates and not privacy.unmasked:
        effective = mask_date(effective)
    return {
        "id": ch.id, "at": ch.at, "effective_date": effective, "op": ch.op,
        "aspect": ch.aspect,
        "changes": _differences(ch.detail, privacy, ch.op), "component": ch.component,
        "user": ch.user or "", "source_file": file_name(privacy, ch.source_file),
        "source_message_id": ch.source_message_id or "", "reason": reason,
        "smo": ch.smo or "", "mo": ch.mo or "",
    }


def timeline(conn: Connection, key: str, privacy: Privacy) -> list[dict[str, Any]]:
    """Every change of the person a ЕНП or :func:`ref` names, newest first."""
    enp = resolve(conn, key)
    if enp is None:
        return []
    changes = queries.timeline(conn, enp)
    dates = _personal_dates(changes)
    return [change(c, privacy, dates) for c in reversed(changes)]


def person(conn: Connection, key: str, on: date, privacy: Privacy) -> dict[str, Any] | None:
    """The card as of ``on`` of the person a ЕНП or :func:`ref` names; None for nobody."""
    enp = resolve(conn, key)
    if enp is None:
        return None
    try:
        state = queries.person_as_of(conn, enp, on)
    except ErzError:
        return None
    # Before the data begins the card is empty; only an account that may see the birth
    # date is told that the person was not born yet (for others it would give the date).
    born = queries.birth_date(conn, enp) if state.data is None and privacy.unmasked else None
    return card(state, privacy, born)
