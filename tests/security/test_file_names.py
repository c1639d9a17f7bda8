"""A file named after a person shows no name or date in the logs or the masked console.

``Заявление Петров Пётр Ильич 12.04.1980 СНИЛС 123-456-789 01.pdf`` used to reach the log
lines of the files adapter and the console in clear (only the СНИЛС was masked). A file
name is personal data as a whole: the log formatters mask a name passed as
``hub.masking.FileName``, and the console masks file and attachment names for an account
without the personal-data permission.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub.logs import JsonFormatter, TextFormatter
from hub.masking import FileName, mask_file_name
from hub.testing import running_hub, wait_for
from storage.models import journal_messages
from tests.adapters.files.conftest import poll_now
from tests.adapters.files.test_folder import COMPONENTS, refusals, settings
from tests.conftest import Footprint

NAME = "Заявление Петров Пётр Ильич 12.04.1980 СНИЛС 123-456-789 01.pdf"
REFUSED = "Петров Пётр Ильич 12.04.1980 паспорт.doc"
SECRETS = ("Заявление", "Петров", "Пётр", "Ильич", "12.04.1980", "123-456-789", "паспорт")


def test_a_file_name_is_masked_whole_keeping_its_shape() -> None:
    assert mask_file_name(NAME) == "З******** П***** П*** И**** **.**.**** С**** ***-***-*** 01.pdf"
    assert mask_file_name("") == ""


def test_log_formatters_mask_a_file_name_argument() -> None:
    record = logging.LogRecord("adapters.files.intake", logging.INFO, __file__, 1,
                               "drop %s: %s taken as %s", ("smo", FileName(NAME), "m-1"), None)
    for formatter in (JsonFormatter("adapter.files"), TextFormatter()):
        line = formatter.format(record)
        assert mask_file_name(NAME) in line and "drop smo" in line and "m-1" in line
        for secret in SECRETS:
            assert secret not in line, (secret, line)
    assert record.getMessage().endswith("taken as m-1")  # the record itself is left as is


def test_the_files_adapter_logs_no_name_of_a_person(footprint: Footprint, tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    masks = [{"pattern": "*.pdf", "format": "any"}]
    caplog.set_level(logging.INFO, logger="adapters")
    with running_hub(settings(footprint, tmp_path, masks=masks), COMPONENTS) as hub:
        (tmp_path / "in" / NAME).write_bytes(b"%PDF-1.4 fictitious")
        (tmp_path / "in" / REFUSED).write_bytes(b"no mask takes .doc")
        poll_now(hub)
        wait_for(lambda: hub.count(journal_messages, journal_messages.c.type == "files.received")
                 == 1 and len(refusals(hub)) == 1,
                 message="the file taken and the other refused")
    lines = [formatter.format(r) for r in caplog.records if r.name.startswith("adapters.files")
             for formatter in (JsonFormatter("adapter.files"), TextFormatter())]
    assert any(mask_file_name(NAME) in line for line in lines), lines
    assert any(mask_file_name(REFUSED) in line for line in lines), lines
    leaks = [line for line in lines for secret in SECRETS if secret in line]
    assert not leaks, leaks


def test_a_refusal_quotes_no_file_name_in_its_free_texts(footprint: Footprint,
                                                         tmp_path: Path) -> None:
    """The journal list and /healthz show free texts, which masking cannot read for names:
    the name stays in ``file_name`` (declared personal, masked), the reason does not repeat
    it."""
    with running_hub(settings(footprint, tmp_path), COMPONENTS) as hub:
        (tmp_path / "in" / REFUSED).write_bytes(b"no mask takes .doc")
        (tmp_path / "in" / f"p {REFUSED}.xml").write_bytes(b"")
        poll_now(hub)
        wait_for(lambda: len(refusals(hub)) == 2, message="both files refused")
        with hub.db.read() as conn:
            rows = conn.execute(sa.select(journal_messages.c.last_error,
                                          journal_messages.c.envelope).where(
                journal_messages.c.type == "files.refused")).all()
    for last_error, envelope in rows:
        payload = json.loads(envelope)["payload"]
        assert "Петров Пётр Ильич" in payload["file_name"]
        texts = last_error + payload["reason"]
        assert [s for s in SECRETS if s in texts] == [], texts
    assert sorted(r[0][:9] for r in rows) == ["имя файла", "пустой фа"]
