"""A buffer item in words, beside the register's current state of its person (ERZ-6).

The buffer keeps each proposal as the replayable operation it will apply
(:mod:`handlers.erz.register.operations`): a kind and a JSON payload. The queue shows it as
the fund's staff read it — «Смерть по записи акта ЗАГС № 170 от 12.03.2024», «Смена
адреса регистрации с 01.02.2024» — and as a table of the fields it touches: the register's
value today, the proposed one, and whether they differ. Every value is masked by its field
unless the account may see personal data (:func:`handlers.erz.console.views.shown`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from admin.privacy import Privacy
from contracts.erz.register import PersonState
from handlers.erz.console import words
from handlers.erz.console.views import SEX, format_snils, ru_date, shown

KINDS = {
    "issue_policy": "выдача полиса", "temporary_certificate": "выдача временного свидетельства",
    "reinsure": "смена СМО", "edit": "изменение данных", "annul_policy": "аннулирование полиса",
    "stop_policy": "прекращение полиса", "death": "регистрация смерти",
    "zags.death": "смерть по сведениям ЗАГС", "attach": "прикрепление к МО",
    "detach": "открепление от МО", "move": "смена участка", "contacts": "контакты",
    "zags.birth": "рождение по сведениям ЗАГС",
    "zags.name_change": "смена ФИО по сведениям ЗАГС", "pfr.snils": "СНИЛС по сведениям ПФР",
}
"""Kinds of buffered operations in words (the filter's choices)."""
POLICY_TYPES = {"Э": "электронный полис", "П": "полис на бумаге",
                "В": "временное свидетельство", "С": "полис старого образца"}
ADDRESS_KINDS = {"reg": "регистрации", "live": "пребывания"}
ACT_KINDS = {"name_change": "перемена имени", "marriage": "заключение брака",
             "divorce": "расторжение брака", "paternity": "установление отцовства"}
"""The ЗАГС acts that change names (contracts.zags_acts.ACT_TITLES), for a sentence."""
EDITS = ("edit", "zags.name_change", "pfr.snils")
"""Kinds whose payload is an ``edit`` of the person's data."""

Row = dict[str, Any]


def kind_text(kind: str) -> str:
    """A buffered operation's kind in words (the key itself for an unknown one)."""
    return KINDS.get(kind, kind)


def _day(privacy: Privacy, key: str, value: Any) -> str:
    """A date of the payload (ISO text or date), ДД.ММ.ГГГГ, masked as its field."""
    if value is None or value == "":
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)[:10]
    return ru_date(shown(privacy, key, text))


def _reason(payload: dict[str, Any]) -> str:
    raw = payload.get("reason") or {}
    return " ".join(x for x in (raw.get("code"), raw.get("text")) if x)


def sentence(kind: str, payload: dict[str, Any], privacy: Privacy) -> str:
    """The proposal in one Russian sentence, personal values masked."""
    p, s = payload, privacy
    policy = p.get("policy") or {}
    number = shown(s, "enp", policy.get("number") or p.get("number") or "")
    if kind in ("death", "zags.death"):
        death = p.get("death") or {}
        act = shown(s, "act_number", death.get("act_number") or "") or "без номера"
        text = f"Смерть по записи акта ЗАГС № {act}"
        if death.get("act_date"):
            text += f" от {_day(s, 'death_date', death['act_date'])}"
        if death.get("death_date"):
            text += f"; дата смерти {_day(s, 'death_date', death['death_date'])}"
        return text
    if kind in ("issue_policy", "temporary_certificate", "reinsure"):
        what = POLICY_TYPES.get(policy.get("policy_type", ""), "полис")
        since = _day(s, "date_begin", policy.get("date_begin") or p.get("on"))
        head = "Смена СМО: " if kind == "reinsure" else "Выдача: "
        text = f"{head}{what} № {number}, СМО {policy.get('smo', '—')}"
        text += f", с {since}" if since else ""
        return text + (" (новое ЗЛ)" if p.get("person") else "")
    if kind == "stop_policy":
        return f"Прекращение полиса с {_day(s, 'on', p.get('on'))}"
    if kind == "annul_policy":
        return f"Аннулирование полиса № {number}"
    if kind == "edit":
        return _edit_sentence(p, s)
    if kind in ("zags.birth", "zags.name_change"):
        return _act_sentence(kind, p, s)
    if kind == "pfr.snils":
        return f"СНИЛС по ответу ПФР с {_day(s, 'on', p.get('on'))}"
    if kind == "detach":
        return f"Открепление от МО с {_day(s, 'on', p.get('on'))}"
    if kind == "attach":
        att = p.get("attachment") or {}
        return f"Прикрепление к МО {att.get('mo', '—')}, участок {att.get('district') or '—'}"
    return kind_text(kind).capitalize()


def _edit_sentence(p: dict[str, Any], s: Privacy) -> str:
    parts = []
    if p.get("data"):
        parts.append("персональных данных (" + ", ".join(
            words.field(k) for k in p["data"]) + ")")
    if p.get("snils"):
        parts.append("СНИЛС")
    if p.get("document"):
        parts.append("документа, удостоверяющего личность")
    for address in p.get("addresses") or []:
        parts.append("адреса " + ADDRESS_KINDS.get(address.get("kind", ""), "").strip())
    what = ", ".join(x.strip() for x in parts) or "данных"
    return f"Смена {what} с {_day(s, 'on', p.get('on'))}"


def _act_sentence(kind: str, p: dict[str, Any], s: Privacy) -> str:
    """«Рождение по записи акта ЗАГС № … от …», «Смена ФИО: заключение брака, запись акта
    ЗАГС № … от …, с …»."""
    act = p.get("birth") or p.get("act") or {}
    number = shown(s, "act_number", act.get("act_number") or "") or "без номера"
    record = f"запись акта ЗАГС № {number}"
    if act.get("act_date"):
        record += f" от {_day(s, 'act_date', act['act_date'])}"
    if kind == "zags.birth":
        text = f"Рождение: {record}; регистрация новорождённого"
        return text + (f", СМО матери {p['smo']}" if p.get("smo") else "")
    what = ACT_KINDS.get(str(act.get("act_kind", "")), "запись акта")
    changed = ", ".join(words.field(k) for k in p.get("data") or {}) or "ФИО"
    return f"Смена ФИО ({changed}): {what}, {record}, с {_day(s, 'on', p.get('on'))}"


def _row(privacy: Privacy, key: str, label: str, current: Any, proposed: Any,
         show: Callable[[Any], str] | None = None) -> Row:
    dated = key == "on" or key.startswith("date_") or key.endswith("_date")

    def text(value: Any) -> str:
        if value is None or value == "":
            return ""
        if show is not None:
            return show(value)
        if isinstance(value, date) or dated:
            return _day(privacy, key, value)
        return shown(privacy, key, value)

    def norm(value: Any) -> str:
        return (value.isoformat() if isinstance(value, date) else str(value or ""))[:10] \
            if dated else str(value or "")

    return {"key": key, "label": label, "current": text(current), "proposed": text(proposed),
            "differs": norm(current) != norm(proposed)}


def differences(kind: str, payload: dict[str, Any], state: PersonState | None,
                privacy: Privacy) -> list[Row]:
    """The fields the proposal touches: the register's value now, the proposed one."""
    p, s = payload, privacy
    rows: list[Row] = []
    data = state.data if state else None
    if kind in EDITS or p.get("person"):
        proposed = p.get("data") or p.get("person") or {}
        for key, value in proposed.items():
            current = getattr(data, key, None) if data else None
            show = (lambda v: SEX.get(str(v), str(v))) if key == "sex" else None
            rows.append(_row(s, key, words.field(key).capitalize(), current, value, show))
        if p.get("snils"):
            rows.append(_row(s, "snils", "СНИЛС", format_snils(state.snils if state else None),
                             format_snils(str(p["snils"]).replace("-", "").replace(" ", ""))))
        if p.get("document"):
            doc, new = state.document if state else None, p["document"]
            for key in ("series", "number", "issue_date", "issuer"):
                if new.get(key):
                    rows.append(_row(s, key, f"Документ: {words.field(key)}",
                                     getattr(doc, key, None), new.get(key)))
        for address in p.get("addresses") or []:
            k = address.get("kind", "")
            now = state.addresses.get(k) if state else None
            rows.append(_row(s, "text", f"Адрес {ADDRESS_KINDS.get(k, k)}",
                             now.text if now else None, address.get("text")))
    if kind in ("issue_policy", "temporary_certificate", "reinsure", "stop_policy",
                "annul_policy"):
        rows += _policy_rows(kind, p, state, s)
    if kind == "zags.birth":
        rows += _birth_rows(p, state, s)
    if kind in ("death", "zags.death"):
        death = p.get("death") or {}
        dead = state.death if state else None
        rows.append(_row(s, "death_date", "Дата смерти", dead.death_date if dead else None,
                         death.get("death_date")))
        rows.append(_row(s, "act_number", "Запись акта ЗАГС",
                         dead.act_number if dead else None, death.get("act_number")))
    return rows


def _policy_rows(kind: str, p: dict[str, Any], state: PersonState | None,
                 s: Privacy) -> list[Row]:
    pol = state.policy if state else None
    if kind in ("stop_policy", "annul_policy"):
        number = pol.number if pol else None
        status = words.policy_status(pol.status) if pol else None
        after = "прекращён" if kind == "stop_policy" else "аннулирован"
        return [_row(s, "enp", "Полис", number, p.get("number") or number),
                _row(s, "status", "Статус полиса", status, after),
                *([_row(s, "date_stop", "Прекращение", pol.date_stop if pol else None,
                        p.get("on"))] if kind == "stop_policy" else [])]
    new = p.get("policy") or {}
    return [_row(s, "enp", "Номер полиса", pol.number if pol else None, new.get("number")),
            _row(s, "smo", "СМО", pol.smo if pol else None, new.get("smo")),
            _row(s, "policy_type", "Вид полиса", pol.policy_type if pol else None,
                 new.get("policy_type"), lambda v: POLICY_TYPES.get(str(v), str(v))),
            _row(s, "date_begin", "Начало действия", pol.date_begin if pol else None,
                 new.get("date_begin") or p.get("on"))]


def _birth_rows(p: dict[str, Any], state: PersonState | None, s: Privacy) -> list[Row]:
    """The insurer a newborn would get (the mother's), beside the register's."""
    pol = state.policy if state else None
    return [_row(s, "smo", "СМО (матери)", pol.smo if pol else None, p.get("smo"))]


def source_text(component: str, user: str) -> str:
    """Where a proposal came from, in words: «СМО 76002, файл OPLIST», «ЗАГС (СМЭВ)»."""
    if user == "zags":
        return "сведения ЗАГС (СМЭВ)"
    if user == "pfr":
        return "сведения ПФР (СМЭВ)"
    if user.endswith("/OPLIST"):
        return f"СМО {user.split('/')[0]}, файл OPLIST"
    if component.startswith("handler.erz") and user:
        return user
    return " / ".join(x for x in (component, user) if x)


def reason_text(payload: dict[str, Any], privacy: Privacy) -> str:
    """The register's reason code and text of the proposal (identifiers masked)."""
    return privacy.text(_reason(payload))
