"""The demo's file exchange: a folder drop for each organisation of the demo region.

``omshub up`` on its first start loads a synthetic region and leaves, in the data
directory, a description of it (:class:`contracts.demo.DemoPersons`) that lists the
region's insurers (СМО) and clinics (МО). When ``[plugins.files]`` configures no drop and
that file exists — the embedded demo, never a production install, which configures its
drops — the files adapter sets up what an operator would: for each organisation a folder
drop under ``<data dir>/exchange/<code>/``::

    in/        the organisation drops its files here (an СМО its OPLIST ``OPS…``, an МО
               its attachment file ``ATM…``), taken in by the ``poll`` job
    out/       the register's answers to it (FLK_P, REPLIST, STOPLIST, ZL_DEATH…)
    archive/   files taken in, by year and month
    errors/    files refused, each with a note ``<name>.error.txt``

So a newcomer sees the answers land in ``out`` rather than as «Ошибки доставки», and can
put an OPLIST into an insurer's ``in`` to watch it processed. In production a file for an
organisation without a drop stays a dead letter: a missing channel is a configuration fault.
The adapter reads only the contracts-level file, never the register's code (layers).
"""

from __future__ import annotations

from pathlib import Path

from adapters.files.settings import DropSettings, Mask
from contracts.demo import EXCHANGE, DemoOrganisation, DemoPersons

STABLE_SECONDS = 2.0
"""A demo file is taken once it stayed unchanged this long (a newcomer's copy is quick)."""
FOLDERS = ("in", "out", "archive", "errors")

_MASKS: dict[str, Mask] = {
    # The register's exchange files by the names of contracts/erz/names.py, as the console's
    # upload takes them (adapters.files.settings.UploadSettings).
    "СМО": Mask(pattern="OPS*.xml", format="erz.oplist", title="OPLIST СМО",
                sender=r"^OPS(?P<sender>\d+)T\d+_"),
    "МО": Mask(pattern="ATM*.xml", format="erz.att", title="ATT МО (прикрепление)",
               sender=r"^ATM(?P<sender>\d+)T\d+_"),
}


def drop_name(code: str) -> str:
    """The demo drop of an organisation: ``demo-<code>``."""
    return f"demo-{code}"


def drop_for(org: DemoOrganisation, root: Path) -> DropSettings:
    """A folder drop for one organisation under ``root/<code>/`` (folders created)."""
    base = (root / org.code).resolve()
    for folder in FOLDERS:
        (base / folder).mkdir(parents=True, exist_ok=True)
    return DropSettings(name=drop_name(org.code), kind="folder", inbound=str(base / "in"),
                        archive=str(base / "archive"), errors=str(base / "errors"),
                        outbound={org.code: str(base / "out")}, sender=org.code,
                        stable_seconds=STABLE_SECONDS, masks=[_MASKS[org.kind]])


def demo_drops(data_dir: Path) -> list[DropSettings]:
    """The demo's drops, one per organisation the demo file lists; none without the file."""
    region = DemoPersons.read(data_dir)
    if region is None:
        return []
    return [drop_for(org, data_dir / EXCHANGE) for org in region.organisations]
