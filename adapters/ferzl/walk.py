"""A tolerant walk of a ФЕРЗЛ payload into the fund's form (:mod:`contracts.ferzl`).

The walk goes by local names, never by position or namespace: ФЕРЗЛ's answers mix
``commonTypes`` and a service's namespace, reorder elements and omit ones the XSD requires,
and the same fact has one name in every operation (``enp``, ``oip``, ``dudlSer``…). So:

- an *item* (a policy, a document, an attachment, an address, a СНИЛС or ЕРН record) is
  known by its element's name (``policyItems``, ``createdPcy``, ``dudlItems``, ``currAttach``…)
  and read from its leaves in any order;
- a *person* is an element whose own leaves name one (``oip``, ``enp``, ``snils``, ``fio``,
  ``surname``, ``nlr``…) — ``pd``, ``status``, ``personDataShortItem``, ``NR``, ``nil``,
  ``enpChangedEvent``… — or one of the nested roles (``legalPerson``, ``accompaniedPerson``…);
- anything else with children is a wrapper (``policy``, ``persons``, ``nilDudls``) and is
  looked through.

Elements a person's items repeat (the names in ``policyItems``) complete the person when
the person lacks them. An identifier met twice with another value is kept as an extra
record, so no ЕНП, ОИП or СНИЛС of a message is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from lxml import etree
from pydantic import BaseModel

from adapters.ferzl.names import (
    ADDRESS,
    ADDRESS_FIELDS,
    ATTACHMENT,
    ATTACHMENT_FIELDS,
    DECISION_FIELDS,
    DOCUMENT,
    DOCUMENT_FIELDS,
    EVENT_GROUPS,
    IDENTITY_FROM_ITEMS,
    IGNORED,
    NESTED,
    PERSON_FIELDS,
    PERSON_MARKS,
    POLICY,
    POLICY_FIELDS,
    STATUS_POLICY,
)
from contracts.ferzl import (
    Address,
    Attachment,
    ChangeEvent,
    Document,
    FerzlPerson,
    IdentifierRecord,
    NilDecision,
    PersonRole,
    Policy,
    SocialStatus,
)

Warn = Callable[[str], None]


def local(el: etree._Element) -> str:
    """The element's name without its namespace."""
    name: str = etree.QName(el).localname
    return name


def children(el: etree._Element) -> Iterator[etree._Element]:
    """The element children (comments and processing instructions skipped)."""
    return (c for c in el if isinstance(c.tag, str))


def is_leaf(el: etree._Element) -> bool:
    """An element without element children."""
    return next(children(el), None) is None


def text(el: etree._Element) -> str:
    """The element's text, stripped."""
    return (el.text or "").strip()


def snils_digits(value: str) -> str:
    """A СНИЛС as the fund keeps it: 11 digits (``156-975-661 29`` → ``15697566129``);
    a value that is not one is kept as sent."""
    digits = re.sub(r"\D", "", value)
    return digits if len(digits) == 11 else value


class Walk:
    """One payload's walk; ``warn`` collects what could not be read (a date that is none)."""

    def __init__(self, warn: Warn, skip: Callable[[etree._Element], bool]) -> None:
        self.warn = warn
        self.skip = skip
        self.persons: list[FerzlPerson] = []

    # -- values ---------------------------------------------------------------------------
    def day(self, el: etree._Element) -> date | None:
        """A date from ``xs:date`` or ``xs:dateTime`` (``2023-12-06Z``, ``…T04:11:11.000Z``)."""
        found = re.match(r"\d{4}-\d{2}-\d{2}", text(el))
        try:
            if found:
                return date.fromisoformat(found[0])
        except ValueError:
            pass
        self._bad(el, "дата")
        return None

    def moment(self, el: etree._Element) -> datetime | None:
        """A moment from ``xs:dateTime`` (with or without a zone)."""
        try:
            return datetime.fromisoformat(text(el).replace("Z", "+00:00"))
        except ValueError:
            self._bad(el, "дата и время")
            return None

    def _bad(self, el: etree._Element, what: str) -> None:
        self.warn(f"строка {el.sourceline}: значение элемента {local(el)} — не {what}; "
                  "пропущено")

    def leaves(self, el: etree._Element) -> Iterator[tuple[str, etree._Element]]:
        """The leaves of ``el`` with text, by local name, the unknown ones skipped."""
        for child in children(el):
            if not self.skip(child) and is_leaf(child) and text(child):
                yield local(child), child

    # -- items ----------------------------------------------------------------------------
    def fill(self, model: BaseModel, fields: dict[str, str], el: etree._Element) -> None:
        """Set ``model``'s fields from ``el``'s leaves by ``fields`` (leaf → field), typed
        by the field's annotation (dates read tolerantly); the first value wins."""
        for name, leaf in self.leaves(el):
            field = fields.get(name)
            if field is None or getattr(model, field) is not None:
                continue
            annotation = str(type(model).model_fields[field].annotation)
            value: Any = text(leaf)
            if "date" in annotation:
                value = self.day(leaf)
            elif field == "doctor_snils":
                value = snils_digits(value)
            setattr(model, field, value)

    def policy(self, el: etree._Element) -> Policy:
        """A policy from ``policyItems``/``createdPcy``/``pcy``…"""
        found = Policy()
        self.fill(found, POLICY_FIELDS, el)
        return found

    def document(self, el: etree._Element) -> Document:
        """A document from ``dudlItems``/``doc``/``voucher``… (``docType/type`` inside)."""
        found = Document()
        self.fill(found, DOCUMENT_FIELDS, el)
        for child in children(el):
            if local(child) in {"docType", "docNR"} and not is_leaf(child):
                self.fill(found, DOCUMENT_FIELDS, child)
        return found

    def attachment(self, el: etree._Element) -> Attachment:
        """An attachment from ``attachItems``/``currAttach``/``att``."""
        found = Attachment()
        self.fill(found, ATTACHMENT_FIELDS, el)
        return found

    def address(self, el: etree._Element) -> Address:
        """An address from ``addressItems``/``addr``/``getNilsDataAddress``…"""
        found = Address()
        self.fill(found, ADDRESS_FIELDS, el)
        return found

    # -- persons --------------------------------------------------------------------------
    def person(self, el: etree._Element, role: PersonRole = "person",
               group: str | None = None) -> FerzlPerson:
        """Read ``el`` as a person (appended to :attr:`persons`, before the persons nested
        in it) and return it."""
        found = FerzlPerson(role=role)
        self.persons.append(found)
        nested: list[FerzlPerson] = []
        self.into(found, el, nested)
        if local(el) == "enpChangedEvent":
            code = next((text(c) for n, c in self.leaves(el) if n == "event"), "")
            at = next((self.moment(c) for n, c in self.leaves(el) if n == "dt"), None)
            found.events.append(ChangeEvent(code=code, at=at, group=group))
        for other in nested:
            other.related_oip = other.related_oip or found.oip
        return found

    def level(self, el: etree._Element) -> None:
        """Walk ``el`` (the payload, or a wrapper outside any person) for persons.

        A child that names a person (:data:`PERSON_MARKS` among its leaves) or plays a role
        (:data:`NESTED`) is read as a person; items and identifying leaves of ``el`` itself
        make one person of this level (registerAttach's ``currAttach``, registerSnils's
        ``pcy`` with ``snils``); other children are walked the same way."""
        marks = any(n in PERSON_MARKS or n in DECISION_FIELDS for n, _ in self.leaves(el))
        containers = [c for c in children(el)
                      if not self.skip(c) and not is_leaf(c) and local(c) not in IGNORED]
        anchor: FerzlPerson | None = None
        nested: list[FerzlPerson] = []
        if marks:
            anchor = FerzlPerson()
            self.persons.append(anchor)
            for name, leaf in self.leaves(el):
                self.person_leaf(anchor, name, leaf)
        for child in containers:
            name = local(child)
            group = local(el) if local(el) in EVENT_GROUPS else None
            candidate = anchor or FerzlPerson()
            if name in NESTED:
                nested.append(self.person(child, NESTED[name], group=group))
            elif self.item(candidate, child):
                if anchor is None:
                    anchor = candidate
                    self.persons.append(anchor)
            elif any(n in PERSON_MARKS for n, _ in self.leaves(child)):
                self.person(child)
            else:
                self.level(child)
        for other in nested:
            other.related_oip = other.related_oip or (anchor.oip if anchor else None)

    def into(self, person: FerzlPerson, el: etree._Element, nested: list[FerzlPerson]) -> None:
        """Read ``el``'s content into ``person``: leaves, items, nested persons, wrappers."""
        for name, leaf in self.leaves(el):
            self.person_leaf(person, name, leaf)
        self.short_policy(person, el)
        for child in children(el):
            name = local(child)
            if self.skip(child) or is_leaf(child) or name in IGNORED:
                continue
            if self.item(person, child):
                continue
            if name in NESTED:
                group = local(el) if local(el) in EVENT_GROUPS else None
                nested.append(self.person(child, NESTED[name], group=group))
            elif name == "identificationNil":
                person.decision = person.decision or NilDecision()
                self.fill(person.decision, DECISION_FIELDS, child)
            else:  # a wrapper: policy, dudl, attach, person, personItems, nilDudls…
                self.into(person, child, nested)

    def item(self, person: FerzlPerson, el: etree._Element) -> bool:
        """Read ``el`` into ``person`` when it is an item; False when it is none."""
        name = local(el)
        has_leaves = any(True for _ in self.leaves(el))
        if not has_leaves:
            return False
        if name in POLICY:
            person.policies.append(self.policy(el))
        elif name in DOCUMENT:
            person.documents.append(self.document(el))
        elif name in ATTACHMENT:
            person.attachments.append(self.attachment(el))
        elif name in ADDRESS:
            person.addresses.append(self.address(el))
        elif name == "snilsItems":
            self.record(person, el, "snils", "statusSnils")
            return True
        elif name == "ernItems":
            self.record(person, el, "ern", "ernStatus")
            return True
        elif name == "socialStatusItems":
            leaves = dict(self.leaves(el))
            if "socialStatus" in leaves:
                person.social_statuses.append(SocialStatus(
                    code=text(leaves["socialStatus"]),
                    registered_on=self.day(leaves["regDate"]) if "regDate" in leaves else None))
            return True
        else:
            return False
        for leaf_name, leaf in self.leaves(el):  # the item's own ЕНП, names, birth date
            if leaf_name in IDENTITY_FROM_ITEMS:
                self.person_leaf(person, leaf_name, leaf)
        return True

    def record(self, person: FerzlPerson, el: etree._Element, kind: str, status: str) -> None:
        """A СНИЛС or ЕРН record: the first is the person's, every one is listed."""
        leaves = dict(self.leaves(el))
        if kind not in leaves:
            return
        value = text(leaves[kind])
        value = snils_digits(value) if kind == "snils" else value
        person.identifiers.append(IdentifierRecord(
            kind="snils" if kind == "snils" else "ern", value=value,
            status=text(leaves[status]) if status in leaves else None))
        if getattr(person, kind) is None:
            setattr(person, kind, value)

    def person_leaf(self, person: FerzlPerson, name: str, leaf: etree._Element) -> None:
        """One leaf of a person into its field; an identifier under a name the walk does
        not know (``…Enp``, ``…Oip``, ``snils…``) is kept as a record."""
        if name in DECISION_FIELDS:
            person.decision = person.decision or NilDecision()
            self.fill(person.decision, DECISION_FIELDS, leaf.getparent())
            return
        if name == "policyNumEnp":  # getInsuranceStatus: the ЕНП, or an old policy's number
            if re.fullmatch(r"\d{16}", text(leaf)):
                self.identifier(person, "enp", text(leaf))
            return
        field = PERSON_FIELDS.get(name)
        if field is None:
            lower = name.lower()
            kind = next((k for k in ("enp", "oip", "snils")
                         if lower.endswith(k) or lower.startswith("snils") and k == "snils"),
                        None)
            if kind is not None:
                value = snils_digits(text(leaf)) if kind == "snils" else text(leaf)
                self.add_record(person, kind, value)
            return
        if field in {"oip", "enp", "snils", "ern"}:
            value = snils_digits(text(leaf)) if field == "snils" else text(leaf)
            self.identifier(person, field, value)
        elif getattr(person, field) is None:
            annotation = str(FerzlPerson.model_fields[field].annotation)
            setattr(person, field, self.day(leaf) if "date" in annotation else text(leaf))

    def short_policy(self, person: FerzlPerson, el: etree._Element) -> None:
        """getInsuranceStatus's flat policy (``status/policyType``, ``policyNumEnp``…)."""
        if not any(n in STATUS_POLICY and n not in {"smo", "terr"} for n, _ in self.leaves(el)):
            return
        found = Policy()
        self.fill(found, STATUS_POLICY, el)
        if found.number and re.fullmatch(r"\d{16}", found.number):
            found.enp = found.number
        person.policies.insert(0, found)

    def identifier(self, person: FerzlPerson, field: str, value: str) -> None:
        """Set an identifier; another value than the one set is kept as a record."""
        current = getattr(person, field)
        if current is None:
            setattr(person, field, value)
        elif current != value:
            self.add_record(person, field, value)

    @staticmethod
    def add_record(person: FerzlPerson, kind: str, value: str) -> None:
        """An extra identifier record (not listed twice)."""
        known = {(r.kind, r.value) for r in person.identifiers}
        if (kind, value) not in known:
            person.identifiers.append(IdentifierRecord.model_construct(
                kind=kind, value=value, status=None))
