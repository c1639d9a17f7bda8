"""Server-drawn SVG charts: readable axes in the fund's zone, accessible, nothing unescaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from admin.charts import Series, bars, lines, nice_ceiling

MOSCOW = ZoneInfo("Europe/Moscow")
TIMES = [datetime(2026, 12, 7, 20, 58, tzinfo=UTC) + timedelta(minutes=i) for i in range(4)]


@pytest.mark.parametrize("value,top", [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (21, 25),
                                       (26, 50), (51, 100), (1234, 2000)])
def test_the_y_axis_ends_at_a_round_number(value: int, top: int) -> None:
    assert nice_ceiling(value) == top


def test_bars_name_their_times_in_the_funds_zone_and_say_their_figures() -> None:
    svg = str(bars("Поток", TIMES, [Series("erz.person.changed", [1, 0, 2, 3]),
                                    Series("hub.probe", [0, 0, 0, 1000])], MOSCOW,
                   unit="сообщений в минуту"))
    assert re.search(r'<svg [^>]*role="img" aria-labelledby="(\S+)-t \1-d"', svg)
    assert "<title id=" in svg and ">Поток</title>" in svg
    assert "Всего 1\u00a0006 сообщений в минуту за период с 07.12.2026 23:58 по 08.12.2026 00:01" \
        in svg
    # ticks: ЧЧ:ММ, and the date where it changes (midnight in Moscow, 21:00 UTC)
    ticks = re.findall(r'class="tick[^"]*"[^>]*>([^<]+)<', svg)
    assert "23:58" in ticks and "00:00" in ticks and "07.12.2026" in ticks and "08.12.2026" in ticks
    assert "<title>08.12.2026 00:01 — hub.probe: 1\u00a0000</title>" in svg
    assert len(re.findall(r"<rect ", svg)) == 4  # no bar for a zero
    assert "style=" not in svg and "<script" not in svg  # the CSP allows neither


def test_names_are_escaped() -> None:
    svg = str(lines("<b>", TIMES, [Series("<script>x</script>", [1, 2, 3, 4])], MOSCOW,
                    unit="в минуту"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg


def test_an_empty_period_says_so() -> None:
    svg = str(bars("Поток", TIMES, [], MOSCOW, unit="сообщений в минуту"))
    assert "Всего 0 сообщений" in svg and "событий нет" in svg
