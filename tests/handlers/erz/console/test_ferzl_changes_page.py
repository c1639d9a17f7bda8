"""«Изменения ФЕРЗЛ» in the console: the runs and what became of each person, ЕНП masked and
linked by the internal id for an account without personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime

from handlers.erz.federal import changes
from tests.handlers.erz.console.conftest import Login, Region

AT = datetime(2024, 12, 11, 5, 0, tzinfo=UTC)


def test_the_runs_and_their_persons_are_shown_masked_by_role(login: Login,
                                                             region: Region) -> None:
    anna = region.insured()
    with region.db.transaction() as conn:
        key = conn.execute(changes.runs.insert().values(
            date_from=date(2024, 12, 10), date_to=date(2024, 12, 10), territory="78000",
            call_id="call-1", state=changes.DONE, started_by="расписание", started_at=AT,
            finished_at=AT, events=2)).inserted_primary_key
        assert key is not None
        run = key[0]
        conn.execute(changes.items.insert(), [
            {"run_id": run, "enp": anna.enp, "events": "ЗСМО (изменён, 10.12.2024)",
             "call_id": "p-1", "status": changes.APPLIED, "answered_at": AT,
             "note": "СМО 76002 → 76005 по сведениям ФЕРЗЛ"},
            {"run_id": run, "enp": "7600000000000012", "events": "1П (прибыл, 10.12.2024)",
             "call_id": "p-2", "status": changes.BUFFERED, "answered_at": AT,
             "note": "ЗЛ застрахован в СМО 76005 по сведениям ФЕРЗЛ, в РС ЕРЗ его нет"}])
    viewer = login("viewer")
    runs = viewer.get("/erz/ferzl/changes")
    assert runs.status_code == 200
    assert "10.12.2024–10.12.2024" in runs.text and "завершено" in runs.text
    assert "применено: 1" in runs.text and "в буфере: 1" in runs.text
    page = viewer.get(f"/erz/ferzl/changes/{run}")
    assert page.status_code == 200
    assert "СМО 76002 → 76005 по сведениям ФЕРЗЛ" in page.text and "ЗСМО" in page.text
    assert anna.enp not in page.text, "a masked viewer sees no ЕНП"
    assert 'href="/erz/person/id' in page.text
    pd = login("pd").get(f"/erz/ferzl/changes/{run}")
    assert f'href="/erz/person/{anna.enp}"' in pd.text
    assert viewer.get("/erz/ferzl/changes/999").status_code == 404
    # The embedded console has no ФЕРЗЛ: the page says so.
    assert 'id="ferzl-off"' in runs.text
