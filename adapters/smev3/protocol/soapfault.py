"""Fault details as XML: SOAP 1.1 Fault envelopes and the ``SmevFault`` of rejection statuses.

A SOAP fault from СМЭВ looks like the real 1.2 sample::

    <soap:Fault>
      <faultcode>soap:Server</faultcode>
      <faultstring>Срок действия сертификата ЭП-ОВ истёк…</faultstring>
      <detail>
        <ns3:SignatureVerificationFault>               (faults namespace)
          <Code>tsmev3:…</Code><Description>SMEV-100:…</Description>    (basic namespace)
          <ns3:SignatureVerificationFault>CertificateIsExpired</ns3:SignatureVerificationFault>
        </ns3:SignatureVerificationFault>
      </detail>
    </soap:Fault>

The version of a detail is read from its namespace, so a fault is understood even when the
call that caused it was of another version.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from adapters.smev3.protocol.envelope import (
    Element,
    elements,
    local,
    namespace,
    new_envelope,
    q,
    sub,
    text,
)
from adapters.smev3.protocol.faults import (
    FAULTS,
    TYPED,
    InvalidContent,
    SmevFault,
    ValidationError,
    fault_kinds,
    is_void,
)
from adapters.smev3.protocol.versions import SOAP_ENV, XSI, Version, version_of_namespace


def _write_fields(element: Element, fault: SmevFault, version: Version, *,
                  common: bool, extension: bool) -> None:
    if common:
        if fault.code is not None:
            sub(element, version.basic, "Code", fault.code)
        if fault.description is not None:
            sub(element, version.basic, "Description", fault.description)
    if not extension:
        return
    if isinstance(fault, InvalidContent):
        for error in fault.validation_errors:
            sub(element, version.faults, "ValidationError", error.message,
                {"errorPosition": str(error.position)})
        return
    for name, value in fault.values():
        sub(element, version.faults, name, str(value))


def write_detail(parent: Element, fault: SmevFault, version: Version) -> Element:
    """Append the detail element of ``fault`` (``faults:<kind>``) to ``parent``."""
    if fault.kind not in fault_kinds(version):
        raise ValueError(f"{fault.kind!r} is not a fault of {version}")
    element = sub(parent, version.faults, fault.kind)
    void = is_void(fault.kind, version)
    _write_fields(element, fault, version, common=not void, extension=not void)
    return element


def write_status_fault(parent: Element, fault: SmevFault, version: Version) -> Element:
    """Append ``AsyncProcessingStatus/SmevFault``, typed with ``xsi:type`` where the XSD can.

    Only the faults with a named complex type can be an ``xsi:type``; the others are written
    as a plain ``basic:SmevFault`` (Code, Description) and read back with ``kind == ""``.
    """
    typed = fault.kind in TYPED
    # The xsi:type value is a QName: make sure a prefix for the faults namespace is in scope.
    element = etree.SubElement(parent, q(version.types, "SmevFault"),
                               nsmap={"faults": version.faults} if typed else None)
    if typed:
        prefix = next(p for p, uri in element.nsmap.items() if uri == version.faults and p)
        element.set(q(XSI, "type"), f"{prefix}:{fault.kind}")
    _write_fields(element, fault, version, common=True, extension=typed)
    return element


def read_detail(element: Element, kind: str, version: Version, message: str,
                faultcode: str = "Server") -> SmevFault:
    """The typed fault for a detail element (or a typed SmevFault) of kind ``kind``."""
    cls = FAULTS.get(kind, SmevFault)
    common: dict[str, Any] = {
        "code": text(element, version.basic, "Code"),
        "description": text(element, version.basic, "Description"),
        "faultcode": faultcode, "version": version,
    }
    if cls is SmevFault:
        return SmevFault(message, kind=kind, **common)
    if cls is InvalidContent:
        errors = []
        for error in element.iterfind(q(version.faults, "ValidationError")):
            try:
                position = int(error.get("errorPosition", "-1"))
            except ValueError:
                position = -1
            errors.append(ValidationError((error.text or "").strip(), position))
        return InvalidContent(message, validation_errors=tuple(errors), **common)
    values: dict[str, Any] = {}
    for name, attr, typ in cls._fields:
        raw = text(element, version.faults, name)
        if raw is not None:
            try:
                values[attr] = typ(raw)
            except ValueError:
                values[attr] = raw if typ is str else 0
    return cls(message, **values, **common)


def read_status_fault(element: Element, version: Version, message: str) -> SmevFault:
    """The fault of ``AsyncProcessingStatus/SmevFault``, typed by its ``xsi:type``."""
    declared = element.get(q(XSI, "type"))
    kind = ""
    if declared:
        prefix, _, name = declared.rpartition(":")
        if element.nsmap.get(prefix or None) == version.faults:
            kind = name
    return read_detail(element, kind, version, message)


def fault_envelope(version: Version, fault: SmevFault) -> Element:
    """A SOAP 1.1 Fault envelope carrying ``fault`` (the simulator's synchronous refusals)."""
    envelope, body = new_envelope(version)
    element = sub(body, SOAP_ENV, "Fault")
    # faultcode is a QName: the soap prefix is declared on the envelope.
    etree.SubElement(element, "faultcode").text = f"soap:{fault.faultcode}"
    etree.SubElement(element, "faultstring").text = fault.message or fault.kind or "fault"
    if fault.kind:
        write_detail(etree.SubElement(element, "detail"), fault, version)
    return envelope


def parse_fault(element: Element, expected: Version | None = None) -> SmevFault:
    """The typed fault of a ``soap:Fault`` element."""
    faultcode = (element.findtext("faultcode") or "").strip()
    prefix, _, name = faultcode.rpartition(":")
    code_name = name if element.nsmap.get(prefix or None) == SOAP_ENV else faultcode
    code_name = code_name or "Server"
    message = (element.findtext("faultstring") or "").strip()
    detail = element.find("detail")
    details = [] if detail is None else elements(detail)
    if not details:
        return SmevFault(message, faultcode=code_name, version=expected)
    first = details[0]
    try:
        version = version_of_namespace(namespace(first))
    except LookupError:
        # A detail from outside СМЭВ's schemas (a proxy, an application server): keep its name.
        return SmevFault(message, faultcode=code_name, version=expected, kind=local(first))
    if local(first) not in fault_kinds(version):
        return SmevFault(message, faultcode=code_name, version=version, kind=local(first))
    return read_detail(first, local(first), version, message, code_name)
