"""ViPNet business mail through its autoprocessing folders, end to end through the hub.

ViPNet itself is emulated as the fixtures' README suggests: a fake transport carries files
between the hub's folders (``from_MO/<code>``, ``to_MO/<code>``) and a clinic's mailbox,
as the incoming and outgoing autoprocessing rules would.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from contracts.envelope import utcnow
from contracts.files import VIPNET
from hub.settings import Settings
from hub.testing import running_hub, wait_for
from tests.adapters.files.conftest import FileReceiver, files_received, poll_now
from tests.adapters.files.test_folder import SIG, send
from tests.conftest import Footprint

COMPONENTS = ["hub.router", "hub.scheduler", "adapter.vipnet"]
ACCOUNT = b"PK\x03\x04 a zipped account of the clinic"


@dataclass
class FakeVipnet:
    """The mail transport between the fund's autoprocessing share and one clinic."""

    share: Path
    clinic: Path
    code: str = "460001"

    def deliver_from_clinic(self, name: str, data: bytes) -> None:
        """An incoming rule saves a letter's attachment into the clinic's folder."""
        folder = self.share / "from_MO" / self.code
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)

    def carry_to_clinic(self) -> list[str]:
        """The outgoing rule sends what lies in the clinic's outgoing folder."""
        out = self.share / "to_MO" / self.code
        carried = []
        for path in sorted(out.iterdir()) if out.exists() else []:
            self.clinic.mkdir(parents=True, exist_ok=True)
            shutil.move(path, self.clinic / path.name)
            carried.append(path.name)
        return carried


def vipnet_settings(tmp: Path) -> Settings:
    """A hub with one abonent, a clinic."""
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp / 'hub.db'}")
    return fp.settings(tmp, plugins={"vipnet": {
        "root": str(tmp / "share"), "stable_seconds": 0.5, "pass_wait_seconds": 3,
        "masks": [{"pattern": "HM*.zip", "format": "pump.account"}],
        "abonents": [{"organisation": "460001", "id": "0001A2B3", "title": "ГБУЗ ЦРБ",
                      "inbound": "from_MO/460001", "outbound": "to_MO/460001"}]}})


def test_a_letter_from_a_clinic_is_taken_in_and_archived_by_sender(tmp_path: Path):
    mail = FakeVipnet(tmp_path / "share", tmp_path / "clinic")
    with running_hub(vipnet_settings(tmp_path), COMPONENTS, extra=[FileReceiver]) as hub:
        mail.deliver_from_clinic("HM460001T46_2501011.zip", ACCOUNT)
        mail.deliver_from_clinic("HM460001T46_2501011.zip.sig", SIG)
        poll_now(hub, "adapter.vipnet")
        (got,) = wait_for(lambda: files_received(hub))
        assert (got.drop, got.sender, got.format_key) == ("vipnet.460001", "460001",
                                                          "pump.account")
        assert got.data == ACCOUNT and got.sig == SIG
        processed = (tmp_path / "share" / "Processed" / f"{utcnow():%Y}" / f"{utcnow():%m}"
                     / "460001")
        wait_for(lambda: processed.is_dir() and len(list(processed.iterdir())) == 2)
        assert list((tmp_path / "share" / "from_MO" / "460001").iterdir()) == []


def test_a_refused_letter_is_answered_through_the_clinics_outgoing_folder(tmp_path: Path):
    mail = FakeVipnet(tmp_path / "share", tmp_path / "clinic")
    with running_hub(vipnet_settings(tmp_path), COMPONENTS, extra=[FileReceiver]) as hub:
        mail.deliver_from_clinic("account.rar", b"not a zip")
        poll_now(hub, "adapter.vipnet")
        errors = tmp_path / "share" / "Errors"
        wait_for(lambda: (errors / "account.rar.error.txt").exists(), message="refused")
        assert (errors / "account.rar").read_bytes() == b"not a zip"
        assert mail.carry_to_clinic() == ["response_account.rar.txt"]
        answer = (tmp_path / "clinic" / "response_account.rar.txt").read_text()
        assert "account.rar" in answer and "не подходит ни под одну маску" in answer
        assert files_received(hub) == []


def test_a_send_addressed_to_vipnet_reaches_the_clinic_whole(tmp_path: Path):
    mail = FakeVipnet(tmp_path / "share", tmp_path / "clinic")
    with running_hub(vipnet_settings(tmp_path), COMPONENTS) as hub:
        by_code = send(hub, "PM46T460001_2501.xml", b"<protocol/>", SIG,
                       destination=VIPNET, recipient="460001")
        by_abonent = send(hub, "PM46T460001_2502.xml", b"<protocol n='2'/>",
                          destination=VIPNET, recipient="0001A2B3")
        unaddressed = send(hub, "ignored.xml", b"<x/>", recipient="460001")
        for mid in (by_code, by_abonent):
            wait_for(lambda mid=mid: "delivered" in hub.trail(mid), message="delivered")
        wait_for(lambda: hub.status_of(unaddressed) == "handled")
        assert "delivered" not in hub.trail(unaddressed), "unaddressed is adapter.files'"
    # Written in the staging folder, outside the watched one, and renamed: no leftovers.
    assert list((tmp_path / "share" / "Staging").iterdir()) == []
    assert mail.carry_to_clinic() == ["PM46T460001_2501.xml", "PM46T460001_2501.xml.sig",
                                      "PM46T460001_2502.xml"]
    assert (tmp_path / "clinic" / "PM46T460001_2501.xml").read_bytes() == b"<protocol/>"
