"""``omshub ferzl call``: one request to the configured ФЕРЗЛ, the answer printed in the
fund's terms; a refusal or a request that cannot be made exits non-zero with the reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.ferzl.cli import main
from tests.adapters.ferzl.canned import Reply, echoing, example_envelopes, stand
from tests.adapters.ferzl.conftest import ferzl_fixtures

PERSON = "запрос-ответ getPersonData ЕНП.txt"
ENP = "6193099726000157"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file naming the schema directory and the ФЕРЗЛ token and release."""
    path = tmp_path / "omshub.toml"
    path.write_text(f'schemas_dir = "{ferzl_fixtures()}"\n\n[plugins.ferzl]\n'
                    'token = "jwt-cli"\nrelease = "23.4.7"\n', "utf-8")
    monkeypatch.setenv("OMSHUB_CONFIG", str(path))
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(["call", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else None, err


def test_call_get_person_data_prints_the_person(config: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _, answer = example_envelopes(PERSON)
    with stand(echoing(answer)) as ferzl:
        code, shown, err = _run(capsys, "getPersonData", "--param", f"enp={ENP}",
                                "--param", "show=Person,Attach", "--url", ferzl.url)
    assert code == 0, err
    [sent] = ferzl.received
    assert sent.headers["x-auth-token"] == "jwt-cli"
    assert f"<com:enp>{ENP}</com:enp>".encode() in sent.body
    assert b"<tns:show>Person Attach</tns:show>" in sent.body  # an xs:list
    assert (shown["operation"], shown["release"], shown["state"]) == (
        "getPersonData", "23.4.7", "ok")
    [person] = shown["message"]["persons"]
    assert (person["enp"], person["oip"], person["snils"]) == (
        ENP, "200052519467", "15697566129")
    assert any("mCapitation" in d for d in shown["deviations"])
    assert "отклонений от схемы: 1" in err


def test_a_json_file_gives_the_fields_and_a_release_is_chosen(
        config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    given = tmp_path / "params.json"
    given.write_text(json.dumps({"params": {"search": {"policy": {"enp": ENP}}}}), "utf-8")
    _, answer = example_envelopes(PERSON)
    with stand(echoing(answer)) as ferzl:
        code, shown, err = _run(capsys, "getPersonData", "--json", str(given),
                                "--release", "24.2.6", "--url", ferzl.url)
    assert code == 0, err
    assert b"http://ffoms.ru/types/24.2.6/mpiPersonInfoSchema" in ferzl.received[0].body
    assert "/ws/24.2.6/" in ferzl.received[0].path
    assert shown["message"]["persons"][0]["enp"] == ENP


def test_a_refusal_exits_non_zero_with_the_reason(config: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    fault = ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
             "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode>"
             "<faultstring>Нет прав на метод</faultstring></soapenv:Fault></soapenv:Body>"
             "</soapenv:Envelope>").encode()
    with stand(Reply(403, fault)) as ferzl:
        code, shown, err = _run(capsys, "getPersonData", "--param", f"enp={ENP}",
                                "--url", ferzl.url)
    assert code == 1
    assert shown["state"] == "ferzl.forbidden"
    assert "HTTP 403" in err and "Нет прав на метод" in err


@pytest.mark.parametrize(("argv", "said"), [
    (["getPersonData", "--param", "enp=12"], "ЕНП — 16 цифр"),
    (["getPersonData", "--param", "number=1"], "в нескольких местах"),
    (["getPersonData", "--param", "enp"], "нужно имя=значение"),
    (["noSuchOperation"], "нет ни в одном установленном выпуске"),
    (["getSmpUnassignedStart", "--param", "on_date=2024-01-01"], "есть в выпусках: 24.1.2"),
])
def test_a_request_that_cannot_be_made_is_not_sent(
        config: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str) -> None:
    with stand(Reply(500)) as ferzl:
        code, shown, err = _run(capsys, *argv, "--url", ferzl.url)
    assert (code, shown, ferzl.received) == (1, None, [])
    assert said in err


def test_omshub_ferzl_call_is_a_command(config: Path) -> None:
    _, answer = example_envelopes(PERSON)
    with stand(echoing(answer)) as ferzl:
        done = subprocess.run(
            [sys.executable, "-m", "hub.cli", "ferzl", "call", "getPersonData", "--param",
             f"enp={ENP}", "--url", ferzl.url], capture_output=True, text=True, cwd=ROOT,
            timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["message"]["persons"][0]["snils"] == "15697566129"
