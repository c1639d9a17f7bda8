"""Detachment from children's clinics at 18 (ERZ-8), run by the ERZ handler's daily job.

A person attached to a children's clinic stops being attached there on their eighteenth
birthday (born on 29 February: on 1 March of a common year). Which clinics are children's
is configuration — the register does not know a clinic's profile:

```toml
[plugins.erz]
children_clinics = ["760101", "760102"]   # МО codes (F032) of children's clinics
```

The job (``ErzHandler.detach_adults``, daily at 01:30 by default, editable in the console)
finds every person whose attachment in force today is to one of these clinics and who is 18
or older today, and detaches them as of their eighteenth birthday — so a missed day is made
up the next, with the right date. Each detachment is a change of the register (reason
R001 none, text «достижение 18 лет»), published as ``erz.person.changed`` like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from contracts.erz.register import Reason
from handlers.erz import models as m
from handlers.erz.register.core import Register

ADULT = 18
REASON = Reason(None, "достижение 18 лет: открепление от детской МО")


class ErzSettings(BaseModel):
    """``[plugins.erz]``: settings of the ERZ handler."""

    children_clinics: list[str] = Field(
        default_factory=list, description="МО codes of children's clinics: their attached "
        "persons are detached on their 18th birthday.")


def birthday(born: date, age: int) -> date:
    """The day a person born on ``born`` turns ``age`` (29 February → 1 March)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def latest_birth(today: date, age: int = ADULT) -> date:
    """The latest birth date of a person who is ``age`` or older on ``today``."""
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # today is 29 February: born on 1 March turns 18 tomorrow
        return date(today.year - age, 2, 28)


def turning_adult(conn: Connection, clinics: Iterable[str], today: date) -> list[
        tuple[str, date]]:
    """``(ЕНП, date to detach on)`` of the persons to detach from the clinics on ``today``:
    the 18th birthday, or — for an attachment begun on or after it — the day after it began
    (the register keeps no empty periods)."""
    clinics = list(clinics)
    if not clinics:
        return []
    a, d = m.attachments.c, m.person_data.c
    query = (sa.select(m.persons.c.enp, d.birth_date, a.valid_from).distinct()
             .join(m.attachments, a.person_id == m.persons.c.id)
             .join(m.person_data, d.person_id == m.persons.c.id)
             .where(a.superseded_at.is_(None), a.mo.in_(clinics), a.valid_from <= today,
                    sa.or_(a.valid_to.is_(None), a.valid_to > today),
                    d.superseded_at.is_(None), d.valid_from <= today,
                    sa.or_(d.valid_to.is_(None), d.valid_to > today),
                    d.birth_date <= latest_birth(today))
             .order_by(m.persons.c.enp))
    return [(enp, max(birthday(born, ADULT), begun + timedelta(days=1)))
            for enp, born, begun in conn.execute(query)]


def detach_adults(register: Register, clinics: Iterable[str], today: date) -> list[str]:
    """Detach the persons turning 18 (see the module); returns their ЕНП."""
    found = turning_adult(register.conn, clinics, today)
    for enp, on in found:
        register.detach(enp, on, REASON)
    return [enp for enp, _ in found]
