"""The published files the СМЭВ 3 adapter reads from the schema directory (``omshub schemas``).

The envelopes of every protocol version and the schemas of every installed information
type (``omshub.schemas`` entry point ``smev3``): with them, what the adapter sends is
checked before it leaves, what it receives is validated, and requests are composed in the
console.
"""

from __future__ import annotations

from contracts.schemas import OfficialFile


def files() -> list[OfficialFile]:
    """The envelopes of 1.1, 1.2 and 1.3, then each information type's request and answer."""
    from adapters.smev3.official_api.wsdl import FAULTS_XSD, TYPES_XSD
    from adapters.smev3.protocol.validation import repair_rnip_1_2
    from adapters.smev3.protocol.versions import VERSIONS
    from adapters.smev3.service import catalogue

    found = [OfficialFile(v.types_xsd, f"конверты СМЭВ 3 версии {v.number}: проверка "
                          "отправляемых и принимаемых сообщений",
                          (repair_rnip_1_2,) if v.number == "1.2" else ())
             for v in VERSIONS.values()]
    for info in sorted(catalogue().types.values(), key=lambda i: i.key):
        found.append(OfficialFile(info.request_schema, f"{info.title}: запросы"))
        if info.response_schema != info.request_schema:
            found.append(OfficialFile(info.response_schema, f"{info.title}: ответы"))
    found += [OfficialFile(TYPES_XSD, "интерфейс Адаптера СМЭВ 3 для внутренних систем "
                           "(adapter.smev3-api)"),
              OfficialFile(FAULTS_XSD, "интерфейс Адаптера СМЭВ 3: ошибки")]
    return found
