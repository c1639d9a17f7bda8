"""Answers that deviate from the XSD the way ФЕРЗЛ's real ones do, switched on on purpose.

15 of the 73 published payloads fail their schema; a client must read them all the same.
Each deviation here copies one of those answers, applied to an answer the writer made valid:

========================  =================================================================
name                      what the published answer does
========================  =================================================================
attach-without-depid      ``attachItems`` without ``depId`` (getPersonData ЕНП/ОИП,
                          getPersonDataHistory)
insurer-out-of-order      ``insurfOgrn`` before ``insurName``/``insurfName`` in a policy
                          (getPersonDataHistory ДУДЛ, полис старого образца)
gender-zero               ``gender`` 0 where the schema allows 1..2 (getPersonDataHistory)
legal-representation-     ``legRepDateB`` before ``legRepType`` (getLegalRepresentation)
order
========================  =================================================================

Switched on per operation or per person (ЕНП or ОИП) in :class:`Deviations`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lxml import etree


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and _local(c) == name]


def _without_depid(answer: etree._Element) -> None:
    for item in answer.iter("{*}attachItems"):
        for dep in _children(item, "depId"):
            item.remove(dep)


def _insurer_out_of_order(answer: etree._Element) -> None:
    for item in answer.iter("{*}policyItems"):
        ogrn = _children(item, "insurfOgrn")
        names = _children(item, "insurName") or _children(item, "insurfName")
        if ogrn and names:
            names[0].addprevious(ogrn[0])


def _gender_zero(answer: etree._Element) -> None:
    for item in answer.iter("{*}personItems"):
        for gender in _children(item, "gender"):
            gender.text = "0"


def _legal_representation_order(answer: etree._Element) -> None:
    for item in answer.iter("{*}legalRepresentationItem"):
        kind, begin = _children(item, "legRepType"), _children(item, "legRepDateB")
        if kind and begin:
            kind[0].addprevious(begin[0])


DEVIATIONS: dict[str, Callable[[etree._Element], None]] = {
    "attach-without-depid": _without_depid,
    "insurer-out-of-order": _insurer_out_of_order,
    "gender-zero": _gender_zero,
    "legal-representation-order": _legal_representation_order,
}
"""Every deviation the simulator can make, by name."""


@dataclass
class Deviations:
    """Which deviations are on: for an operation (every answer of it) or for a person
    (every answer naming them)."""

    by_operation: dict[str, set[str]] = field(default_factory=dict)
    by_person: dict[str, set[str]] = field(default_factory=dict)
    """By ЕНП or ОИП."""

    def __post_init__(self) -> None:
        unknown = {n for names in (*self.by_operation.values(), *self.by_person.values())
                   for n in names} - set(DEVIATIONS)
        if unknown:
            raise ValueError(f"неизвестные отклонения: {', '.join(sorted(unknown))} "
                             f"(известны: {', '.join(DEVIATIONS)})")

    def apply(self, operation: str, persons: Iterable[str], answer: etree._Element) -> list[str]:
        """Apply what is on for ``operation`` and ``persons`` to ``answer``; their names."""
        names = set(self.by_operation.get(operation, ()))
        for key in persons:
            names |= self.by_person.get(key, set())
        for name in sorted(names):
            DEVIATIONS[name](answer)
        return sorted(names)
