"""Validation of envelopes against the official XSDs of the operator's schema directory.

The XSDs define the content of the SOAP Body, not the envelope: the validator checks the
SOAP 1.1 frame itself (one Body, one element in it; a Fault with faultcode and faultstring)
and validates the operation element — or each СМЭВ fault detail — against a schema compiled
from ``smev-message-exchange-types-<v>.xsd`` and ``…-faults-<v>.xsd`` of its version, found
by file name through :class:`contracts.schemas.SchemaStore` (nothing is vendored). Imports are
resolved by the validator itself: local files only, through the hardened parser.

**The 1.2 copies in circulation are altered.** The only public 1.2 set (from the RNIP
emulator starslan/rnip-server, our fixtures) was changed by that project in two ways:

1. ``basic-1.2``: ``MessagePrimaryContent`` is restricted to RNIP 2.6.0 elements imported
   from ``../service/*.xsd`` (absent), so the schema does not compile. 1.1 and 1.3 declare
   ``<xs:any namespace="##other"/>`` there, and the altered file still holds that original
   declaration, commented out.
2. ``types-1.2``: a required ``Sender/Mnemonic`` was added to GetRequestRequest,
   GetResponseRequest, AckRequest, SenderProvidedRequestData and SenderProvidedResponseData
   (the emulator identifies callers by mnemonic instead of by certificate). Real 1.2 traffic
   has no such element — the signed AckRequest and SendRequestRequest that СМЭВ's own
   checking service verified (fixtures ``samples/gil9red-SimplePyScripts``), and the
   SenderProvidedResponseData of real GetResponseResponse captures — nor has it in 1.1 or 1.3.

:func:`repair_rnip_1_2` undoes exactly these two changes on the parsed documents, in memory,
each time a schema is compiled; the files are neither edited nor copied. It is opt-in
(``EnvelopeValidator(store, repairs=[repair_rnip_1_2])``) and a no-op on pristine 1.2
files. The tests show that real 1.2 traffic validates against the repaired schema and that
the unrepaired one refuses it. ``MessageMetadata``, statuses and faults of 1.2 are as
published (they match the real captures).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from lxml import etree

from adapters.smev3.protocol.envelope import Element, elements, local, namespace, open_envelope
from adapters.smev3.protocol.errors import ProtocolError
from adapters.smev3.protocol.versions import SOAP_ENV, VERSIONS, Version, version_of_namespace
from contracts.schemas import SchemaRepair, SchemaStore, resolving_parser
from contracts.xmlsafe import UnsafeXml, parse

XS = "http://www.w3.org/2001/XMLSchema"
SMEV_URN = "urn://x-artefacts-smev-gov-ru/"

class InvalidEnvelope(ProtocolError):
    """An envelope that does not validate; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def repair_rnip_1_2(name: str, root: Element) -> None:
    """Undo the RNIP emulator's changes to the 1.2 schemas (see the module docstring)."""
    if name == "smev-message-exchange-basic-1.2.xsd":
        for imported in root.findall(f"{{{XS}}}import"):
            if not (imported.get("namespace") or "").startswith(SMEV_URN):
                root.remove(imported)
        content = root.find(f"{{{XS}}}element[@name='MessagePrimaryContent']")
        sequence = None if content is None else content.find(f".//{{{XS}}}sequence")
        if sequence is not None and sequence.find(f"{{{XS}}}choice") is not None:
            for child in list(sequence):
                sequence.remove(child)
            etree.SubElement(sequence, f"{{{XS}}}any", namespace="##other",
                             processContents="skip")
    elif name == "smev-message-exchange-types-1.2.xsd":
        for owner in ("GetRequestRequest", "GetResponseRequest", "AckRequest",
                      "SenderProvidedRequestData", "SenderProvidedResponseData"):
            declaration = root.find(f"{{{XS}}}element[@name='{owner}']")
            sequence = None if declaration is None else declaration.find(
                f"{{{XS}}}complexType/{{{XS}}}sequence")
            added = None if sequence is None else sequence.find(f"{{{XS}}}element[@name='Sender']")
            if sequence is not None and added is not None:
                sequence.remove(added)


class EnvelopeValidator:
    """Validates СМЭВ 3 envelopes of every version; schemas are compiled once per version.

    Compiling is locked; validating is not (lxml schemas keep their last error log), so give
    each thread its own validator, as with :class:`contracts.schemas.SchemaStore`.
    """

    def __init__(self, store: SchemaStore, repairs: Sequence[SchemaRepair] = ()) -> None:
        self.store = store
        self.repairs = tuple(repairs)
        self._compiled: dict[str, etree.XMLSchema] = {}
        self._lock = threading.Lock()

    def schema(self, v: Version) -> etree.XMLSchema:
        """The compiled types + faults schema of version ``v``."""
        with self._lock:
            compiled = self._compiled.get(v.number)
            if compiled is None:
                compiled = self._compile(v)
                self._compiled[v.number] = compiled
            return compiled

    def _compile(self, v: Version) -> etree.XMLSchema:
        imports = "".join(
            f'<xs:import namespace="{ns}" schemaLocation="{self.store.find(name).as_uri()}"/>'
            for ns, name in ((v.types, v.types_xsd), (v.faults, v.faults_xsd)))
        wrapper = (f'<xs:schema xmlns:xs="{XS}" targetNamespace="urn:omshub:smev3:validation">'
                   f"{imports}</xs:schema>")
        document = etree.fromstring(wrapper.encode(), resolving_parser(self.repairs),
                                    base_url=self.store.root.resolve().as_uri() + "/")
        try:
            return etree.XMLSchema(document)
        except etree.XMLSchemaParseError as exc:
            raise ProtocolError(f"the schemas of {v} under {self.store.root} do not compile "
                                f"({exc}); for the altered 1.2 copies pass "
                                "repairs=[repair_rnip_1_2]") from exc

    def errors(self, data: bytes | Element) -> list[str]:
        """Every problem of an envelope (empty when it is valid)."""
        try:
            root = parse(data) if isinstance(data, bytes) else data
            element = open_envelope(root)
        except (ProtocolError, UnsafeXml) as exc:
            return [str(exc)]
        if element.tag == f"{{{SOAP_ENV}}}Fault":
            return self._fault_errors(element)
        try:
            v = version_of_namespace(namespace(element))
        except ProtocolError as exc:
            return [str(exc)]
        return self._validate(v, element)

    def check(self, data: bytes | Element) -> None:
        """Raise :class:`InvalidEnvelope` with every problem, unless the envelope is valid."""
        problems = self.errors(data)
        if problems:
            raise InvalidEnvelope(problems)

    def _validate(self, v: Version, element: Element) -> list[str]:
        schema = self.schema(v)
        if schema.validate(element):
            return []
        return [f"{v.number} {e.path} (line {e.line}): {e.message}" for e in schema.error_log]

    def _fault_errors(self, fault: Element) -> list[str]:
        found = {local(child): child for child in elements(fault)}
        problems = [f"soap:Fault has no {name}" for name in ("faultcode", "faultstring")
                    if name not in found]
        detail = found.get("detail")
        for child in [] if detail is None else elements(detail):
            if namespace(child) in {v.faults for v in VERSIONS.values()}:
                problems += self._validate(version_of_namespace(namespace(child)), child)
        return problems
