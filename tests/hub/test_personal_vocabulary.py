"""Masking follows what plug-ins declare personal (``omshub.personal``), not a list in the hub.

A package installed next to the hub declares an element name and an identifier shape of its
own; in a fresh interpreter that finds its entry point, logs and text masking hide both, and
without the package they are shown as they are. The vocabularies are read on first use,
not when the hub is imported, and a broken one is reported while the others still mask.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from contracts.personal import Identifier, PersonalVocabulary
from hub import vocabulary
from hub.masking import mask_payload, mask_text, mask_value

ROOT = Path(__file__).resolve().parents[2]
TEXT = "<Callsign>Сокол</Callsign> пропуск 123-456-789-012, СНИЛС 112-233-445 95"

PLUGIN = '''
from contracts.personal import Identifier, PersonalVocabulary

PERSONAL = PersonalVocabulary(
    names={"name": "callsign"},
    identifiers=(Identifier(keep_last=3, shape=r"\\d{3}-\\d{3}-\\d{3}-\\d{3}"),),
)
NOT_A_VOCABULARY = {"names": "callsign"}
'''

PROBE = """\
import json, logging, sys
from hub.logs import JsonFormatter
import hub.masking
loaded_on_import = "contracts.oms" in sys.modules
record = logging.LogRecord("t", logging.WARNING, "probe", 1, sys.argv[1], (), None)
line = json.loads(JsonFormatter("handler.sample").format(record))["msg"]
print(json.dumps({"line": line, "loaded_on_import": loaded_on_import}))
"""


def _masked_in_a_fresh_hub(site: Path | None) -> tuple[dict[str, object], str]:
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(site),
                                                          env.get("PYTHONPATH"))))
    done = subprocess.run([sys.executable, "-c", PROBE, TEXT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr


def _install(site: Path) -> None:
    """A distribution on ``site`` as pip would leave it: a module and its metadata."""
    (site / "callsign_plugin.py").write_text(PLUGIN, encoding="utf-8")
    meta = site / "callsign_plugin-1.0.dist-info"
    meta.mkdir()
    (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: callsign-plugin\n"
                                   "Version: 1.0\n", encoding="utf-8")
    (meta / "entry_points.txt").write_text(
        "[omshub.personal]\ncallsign = callsign_plugin:PERSONAL\n"
        "broken = callsign_plugin:NOT_A_VOCABULARY\n", encoding="utf-8")


def test_a_plugins_declaration_masks_its_names_and_identifiers(tmp_path: Path) -> None:
    plain, _ = _masked_in_a_fresh_hub(None)
    assert "<Callsign>Сокол</Callsign>" in str(plain["line"])
    assert "123-456-789-012" in str(plain["line"])

    _install(tmp_path)
    found, stderr = _masked_in_a_fresh_hub(tmp_path)
    line = str(found["line"])
    assert "<Callsign>С****</Callsign>" in line and "***-***-***-012" in line, line
    assert "***-***-*** 95" in line, "the built-in vocabularies still mask"
    assert found["loaded_on_import"] is False, "vocabularies load on first use"
    assert "vocabulary broken" in stderr and "is not a PersonalVocabulary" in stderr


def test_the_installed_vocabularies_are_the_fund_and_the_formats() -> None:
    assert mask_text("<FAM>Иванов</FAM>") == "<FAM>И*****</FAM>"  # contracts.erz.personal
    assert mask_text("<ДатаСмерт>2024-01-02</ДатаСмерт>") == (
        "<ДатаСмерт>****-**-**</ДатаСмерт>")  # adapters.smev3.personal
    assert mask_text("ЕНП 3541111111111111") == "ЕНП ************1111"  # contracts.oms
    assert mask_value("policy", "3541111111111111") == "************1111"  # by shape


def test_hints_tell_a_kind_without_making_a_name_personal() -> None:
    assert mask_payload({"queue_name": "Входящие"}, None) == {"queue_name": "Входящие"}
    assert mask_value("RNNAME", "Вологодский") == "В**********"


def test_a_vocabulary_compiles_alone() -> None:
    compiled = vocabulary.Vocabulary.of([PersonalVocabulary(
        names={"date": "born", "other": "secret"},
        identifiers=(Identifier(keep_last=1, shape=r"\d{6}", names="badge"),))])
    assert compiled.kind_of("BORN") == "date" and compiled.kind_of("secret") is None
    assert compiled.kind_of("badge") == Identifier(keep_last=1)
    assert compiled.personal_key.fullmatch("secret") and not compiled.personal_key.match("x")
    assert compiled.numbers is not None and compiled.numbers.search("id 123456.")
    empty = vocabulary.Vocabulary.of([])
    assert empty.element is None and empty.numbers is None and not empty.kinds.match("born")
