"""What the ЕГР ЗАГС formats' mappings to the fund's terms share (not an information type)."""

from __future__ import annotations

from adapters.smev3.vs.zags_common.types import PartialDate
from contracts.zags import PartialDate as CanonicalPartialDate


def partial(value: PartialDate | None) -> CanonicalPartialDate | None:
    """A date as the documents give it (ДатаДокТип) as the canonical partial date."""
    if value is None:
        return None
    return CanonicalPartialDate(year=int(value.year.lstrip("-")), month=value.month,
                                day=value.day)
