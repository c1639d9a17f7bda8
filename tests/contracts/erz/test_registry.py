"""The exchange-file types are found through the entry point, as any plug-in's would be."""

from __future__ import annotations

from hub.plugins import discover

KEYS = {"erz.oplist.v1", "erz.replist.v1", "erz.reclist.v1", "erz.stoplist.v1",
        "erz.conflictlist.v1", "erz.flk.v1", "erz.att.v1", "erz.att.flk.v1", "erz.prk.v1"}


def test_every_exchange_file_type_is_registered_by_the_entry_point() -> None:
    registry = discover().types
    assert {t.key for t in registry} >= KEYS
    att = registry.get("erz.att.v1")
    assert att.description.startswith("ATT: attachments a clinic")
    schema = att.json_schema()
    person = schema["$defs"]["AttachmentRecord"]["properties"]
    assert person["family_name"]["personal"] is True  # masked in the console and journal
