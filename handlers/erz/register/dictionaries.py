"""ФФОМС dictionaries the register checks codes against (invariant 9: inputs, not code).

Read at run time from the operator's schema/dictionary directory (``schemas_dir``): the
НСИ export ``concept.xml`` (rows of Oid, Code, Name) and the enumerations of the exchange
schema ``TargetClass.xsd``. Nothing is vendored; without a directory the register checks
formats only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from contracts.schemas import SchemaStore
from contracts.xmlsafe import parser

XS = "{http://www.w3.org/2001/XMLSchema}"

DOC_TYPES = "1.2.643.2.40.5.100.203.1"  # Коды типа документа, удостоверяющего личность
POLICY_FORMS = "1.2.643.2.40.5.100.86"  # Форма изготовления полиса (С, В, П, Э, К)
SEX = "1.2.643.2.40.5.0.18.1"  # Пол
EVENTS = "1.2.643.2.40.5.100.62"  # События изменения данных (П01…П17)
REASONS = "R001"  # Причины внесения изменений в РС ЕРЗ (П010…П063)


@dataclass
class Dictionaries:
    """Code sets by dictionary OID (or by ``xsd:<simpleType>`` for schema enumerations)."""

    codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def names(self, oid: str) -> dict[str, str]:
        """Codes of one dictionary with their names (empty when it was not loaded)."""
        return self.codes.get(oid, {})

    def has(self, oid: str) -> bool:
        """Whether the dictionary was loaded (so that its codes can be checked)."""
        return bool(self.codes.get(oid))

    def valid(self, oid: str, code: str) -> bool:
        """``code`` is in the dictionary — or the dictionary is not loaded (not checkable)."""
        known = self.codes.get(oid)
        return not known or code in known

    @classmethod
    def load(cls, root: Path) -> Dictionaries:
        """Read ``concept.xml`` and ``TargetClass.xsd`` wherever they are under ``root``."""
        store = SchemaStore(root)
        result = cls()
        result._read_concepts(store.find("concept.xml"))
        result._read_enumerations(store.find("TargetClass.xsd"))
        # The exchange schema's enumerations complete the НСИ where both describe one thing.
        for oid, xsd in ((DOC_TYPES, "Doc_type_Enum"), (POLICY_FORMS, "Polis_type_Enum"),
                         (SEX, "Sex_Enum")):
            merged = dict(result.names(f"xsd:{xsd}"))
            merged.update(result.names(oid))
            result.codes[oid] = merged
        return result

    def _read_concepts(self, path: Path) -> None:
        root = etree.parse(str(path), parser()).getroot()
        for row in root.iter("row"):
            oid, code = row.findtext("Oid"), row.findtext("Code")
            if oid and code is not None:
                self.codes.setdefault(oid.strip(), {})[code.strip()] = (
                    row.findtext("Name") or "").strip()

    def _read_enumerations(self, path: Path) -> None:
        root = etree.parse(str(path), parser()).getroot()
        for simple in root.iter(f"{XS}simpleType"):
            name = simple.get("name")
            if not name:
                continue
            values = {}
            for enum in simple.iter(f"{XS}enumeration"):
                doc = enum.findtext(f"{XS}annotation/{XS}documentation") or ""
                values[enum.get("value", "")] = " ".join(doc.split())
            if values:
                self.codes[f"xsd:{name}"] = values
