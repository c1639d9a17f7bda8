"""The zipped CSV of an asynchronous answer read as a stream of rows: the published
fragments, columns by header name, and broken rows reported and skipped."""

from __future__ import annotations

import tracemalloc

from contracts.ferzl_csv import LAYOUTS, BrokenRow, CsvStream, Layout
from tests.adapters.ferzl.canned import example_fragment, zipped

ATTACH = "запрос-ответ getViewDataAttach start poll фрагмент выгружаемого файла.txt"
ENP = LAYOUTS["getAllCurrentEnp"]


def test_the_published_attachment_fragment_reads_with_its_24_columns() -> None:
    lines = example_fragment(ATTACH)
    rows = list(CsvStream(zipped("\n".join(lines).encode()), LAYOUTS["getViewDataAttach"]))
    assert len(rows) == len(lines) == 7
    first = rows[0]
    assert (first["ЕНП"], first["Краткое наименование СМО"], first["Статус прикрепления"]) == (
        "5090299778001816", "ООО \"СМК РЕСО-МЕД''", "ДПП")
    assert first["ИД МО ЮЛ"] is None and first["Дата начала прикрепления"] == "2022-01-24"


def test_a_header_names_the_columns_in_its_own_order_and_semicolons_are_found() -> None:
    text = "СНИЛС;ЕНП;ЕРН\n07943624196;5051140833001937;null\n"
    [row] = CsvStream(text.encode("utf-8-sig"), Layout(ENP.columns))
    assert (row["ЕНП"], row["СНИЛС"], row["ЕРН"], row.line) == (
        "5051140833001937", "07943624196", None, 2)


def test_broken_rows_are_reported_with_their_line_and_the_rest_is_read() -> None:
    data = (b"5051140833001937,006347479924,07943624196\n"
            b"0188299735000095,null\n"                                  # 2: a field short
            b"7591099794000077,null,16975786756\n")
    data += b"5088299794000804,null," + "Ошибка".encode("cp1251") + b"\n"  # 4
    data += (b'4093099721000166,"null,null\n'                           # 5: quote never closed
             b"5790299747000066,222216980983,20514940228\n")
    data += b"".join(f"{5000000000000000 + i},null,null\n".encode() for i in range(60))
    told: list[BrokenRow] = []
    stream = CsvStream(zipped(data), ENP, on_broken=told.append)
    rows = list(stream)
    assert [(b.line, b.why) for b in told] == [
        (2, "полей 2, а должно быть 3"),
        (4, "строка не в кодировке utf-8 (байт 23)"),
        (5, "незакрытая кавычка: строка поглощает больше 50 строк файла")]
    assert stream.broken == told and stream.broken_count == 3
    assert [r.line for r in rows[:3]] == [1, 3, 6]
    assert rows[2]["ЕНП"] == "5790299747000066" and len(rows) == 3 + 60 == stream.rows


def test_a_quote_left_open_at_the_end_is_a_broken_row_not_a_lost_file() -> None:
    data = b'5051140833001937,006347479924,07943624196\n4093099721000166,"x,null\n'
    stream = CsvStream(data, ENP)
    assert [r.line for r in stream] == [1]
    assert [(b.line, b.why.split(":")[0]) for b in stream.broken] == [(2, "ошибка CSV")]


def test_a_large_file_is_read_without_being_held_in_memory() -> None:
    rows = 30_000
    data = zipped(b"".join(f"{5000000000000000 + i},{100000000000 + i},null\n".encode()
                           for i in range(rows)))
    tracemalloc.start()
    try:
        count = sum(1 for row in CsvStream(data, ENP) if row["ЕНП"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    assert peak < 1_000_000, f"peak {peak} bytes for a file of {rows} rows"
