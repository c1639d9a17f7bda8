"""``omshub smev3 new-type``: a package scaffolded from a fixture XSD installs and passes its
own generated tests, and ``omshub plugins`` lists it — with no edit to the adapter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.smev3.codegen import identifier, sample_text
from adapters.smev3.scaffold import ScaffoldError, scaffold
from adapters.smev3.xsdtree import Schema
from hub.cli import main
from tests.adapters.smev3.vs_helpers import FIXTURES, schema_store

REPO = Path(__file__).resolve().parents[3]
FFOMS = "ffoms-GetInsuredRenderedMedicalServices-1.0.0/GetInsuredRenderedMedicalServices.xsd"
FATALOIV = "zags-fataloiv-112-41-4.0.0/zags-fataloiv-ru-root.xsd"


def _xsd(relative: str) -> Path:
    schema_store()  # skips (fails under CI) without the fixtures
    return FIXTURES / "vs" / relative


def _run(args: list[str], cwd: Path, pythonpath: list[Path]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in pythonpath),
           "OMSHUB_SCHEMAS_DIR": str(FIXTURES)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=240,
                          check=False)


def test_cli_scaffolds_installs_passes_its_tests_and_is_listed(tmp_path: Path) -> None:
    assert main(["smev3", "new-type", "--xsd", str(_xsd(FFOMS)), "--role", "provider",
                 "--name", "ffoms.scaffolded", "--out", str(tmp_path / "src")]) == 0
    package = tmp_path / "src" / "omshub-vs-ffoms-scaffolded"
    assert (package / "pyproject.toml").is_file()
    assert (package / "tests" / "test_ffoms_scaffolded.py").is_file()

    target = tmp_path / "site"
    done = _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                 str(target), str(package)], tmp_path, [REPO])
    assert done.returncode == 0, done.stdout + done.stderr

    # The generated tests run against the installed copy, with the entry points registered.
    tests = tmp_path / "tests"
    (package / "tests").rename(tests)
    done = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "-W", "error", str(tests)], tmp_path, [target, REPO])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout, done.stdout

    done = _run([sys.executable, "-m", "hub.cli", "plugins", "--json", "--check"], tmp_path,
                [target, REPO])
    assert done.returncode == 0, done.stderr
    found = [p for p in json.loads(done.stdout) if p["distribution"] == package.name]
    # Listed as its canonical message types and as a СМЭВ information type.
    assert sorted((p["group"], p["error"]) for p in found) == [
        ("omshub.message_types", None), ("omshub.smev3.types", None)]
    assert found[0]["provides"] == ["smev3.ffoms.scaffolded.request.v1",
                                    "smev3.ffoms.scaffolded.response.v1"]
    done = _run([sys.executable, "-c", "from importlib.metadata import entry_points as e; "
                 "print([p.load().role for p in e(group='omshub.smev3.types') "
                 "if p.name == 'ffoms.scaffolded'])"], tmp_path, [target, REPO])
    assert done.stdout.strip() == "['provider']", done.stdout + done.stderr


def test_flags_and_choices_of_a_zags_schema_generate_passing_tests(tmp_path: Path) -> None:
    made = scaffold(_xsd(FATALOIV), "consumer", "zags.scaffolded", tmp_path,
                    request_element="FATALOIVRequest")
    assert made.response_element == "FATALOIVResponse" and made.todos == ()
    messages = (made.directory / made.package / "messages.py").read_text(encoding="utf-8")
    assert 'Elem("ДатаРождКаленд", absent="ПрДатаРожд")' in messages
    assert "json_schema_extra=PERSONAL" in messages
    done = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                made.directory, [made.directory, REPO])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed, 1 skipped" in done.stdout


def test_guessing_roots_and_refusals(tmp_path: Path) -> None:
    schema = Schema(_xsd(FATALOIV))
    assert [name for _, name in schema.root_elements] == [
        "Request", "FATALOIVRequest", "FATALOIVResponse"]
    with pytest.raises(ScaffoldError, match="no global element Nope"):
        scaffold(_xsd(FFOMS), "provider", "x.y", tmp_path, request_element="Nope")
    with pytest.raises(ScaffoldError, match="lower-case words"):
        scaffold(_xsd(FFOMS), "provider", "Bad Key", tmp_path)
    with pytest.raises(ScaffoldError, match="role"):
        scaffold(_xsd(FFOMS), "observer", "x.y", tmp_path)
    made = scaffold(_xsd("zags-fatal-112-04-4.0.2/zags-fatal-ru-root.xsd"), "consumer",
                    "zags.one", tmp_path, response_element="FATALRequest")
    assert (made.request_element, made.response_element) == ("FATALRequest", "FATALRequest")


def test_names_and_pattern_samples() -> None:
    assert identifier("СведРегСмерт", camel=False) == "sved_reg_smert"
    assert identifier("ФИОУмер", camel=True) == "FIOUmer"
    assert identifier("class", camel=False) == "x_class"
    assert identifier("json", camel=False) == "x_json"
    assert sample_text(r"[\d]{16}") == "0" * 16
    assert sample_text(r"[а-яА-ЯёЁ\-\s,.]{1,100}") == "а"
    assert sample_text(r"\p{IsCyrillic}+") is None
