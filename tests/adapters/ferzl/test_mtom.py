"""MTOM answers: the zipped CSV of a Poll arrives as a MIME part, split as it streams in;
a missing part or a body cut short is a clear error (hub/mtom.py, shared with СМЭВ)."""

from __future__ import annotations

import io

import pytest
from lxml import etree

from adapters.ferzl.binding import Endpoints
from adapters.ferzl.releases import Releases
from adapters.ferzl.transport import BadAnswer, Transport
from contracts.ferzl_csv import LAYOUTS, CsvStream
from hub import mtom
from tests.adapters.ferzl.canned import (
    Reply,
    example_envelopes,
    example_fragment,
    stand,
    zipped,
)

ENP = "запрос-ответ getAllCurrentEnp start poll фрагмент выгружаемого файла.txt"
CID = "3b462ac9-7935-4ede-9654-7940ae48b2e0@ffoms.ru"  # the example's xop:Include


class Trickle(io.RawIOBase):
    """A stream that gives a few bytes per read, so delimiters straddle the reads."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.at, self.step = data, 0, step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self.data[self.at:self.at + min(self.step, len(buffer))]
        buffer[:len(chunk)] = chunk
        self.at += len(chunk)
        return len(chunk)


def poll_answer() -> tuple[bytes, bytes]:
    """The example's Poll answer and the zip its xop:Include stands for."""
    *_, answer = example_envelopes(ENP)
    csv = "\n".join(example_fragment(ENP)).encode() + b"\n"
    return answer, zipped(csv)


@pytest.mark.parametrize("step", [1, 7, 64, 1 << 16])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_parts_split_alike_whatever_the_reads_and_line_ends(step: int, newline: str) -> None:
    tricky = b"a\r\n--uuid:b\r\nnot the boundary\r\n--uuid\r\n"  # boundary-like bytes
    content_type, body = mtom.multipart_related(b"<root/>", [("x@ffoms.ru", "a/b", tricky),
                                                             ("empty", "a/b", b"")],
                                                root_id="r", boundary="uuid:bb")
    if newline == "\n":
        body = body.replace(b"\r\n", b"\n")
        tricky = tricky.replace(b"\r\n", b"\n")
    with mtom.read_multipart(io.BufferedReader(Trickle(body, step), 8), content_type,
                             spool=16) as split:
        assert split.root == b"<root/>" and split.multipart
        assert split.part("cid:x%40ffoms.ru").read() == tricky
        assert split.parts["empty"].read() == b""
        with pytest.raises(mtom.MissingPart, match="нет MTOM-части <other>"):
            split.part("cid:other")
    # Saved to a file without its Content-Type: the boundary is read from the first line.
    assert mtom.unpack(body).envelope == b"<root/>"


def test_a_poll_answer_streams_its_zipped_csv_rows(releases: Releases) -> None:
    answer, archive = poll_answer()
    content_type, body = mtom.multipart_related(answer, [(CID, "application/zip", archive)],
                                                root_id="root@ffoms.ru", boundary="uuid:1")
    with stand(Reply(body=body, content_type=content_type)) as ferzl:
        got = Transport(Endpoints(ferzl.url, releases), lambda: "t", releases=releases,
                        spool=64).call(etree.fromstring(example_envelopes(ENP)[2])[-1][0])
    assert got.exchange.answer == answer  # the SOAP part, exactly
    content = got.payload.find("{*}content")
    assert content is not None
    part = got.attachment(content)
    assert (part.content_id, part.media_type, part.size) == (CID, "application/zip",
                                                            len(archive))
    rows = list(CsvStream(part.open(), LAYOUTS["getAllCurrentEnp"]))
    assert len(rows) == len(example_fragment(ENP)) == 19
    assert (rows[0]["ЕНП"], rows[0]["ЕРН"], rows[0]["СНИЛС"]) == (
        "5051140833001937", "006347479924", "07943624196")
    assert rows[1]["ЕРН"] is None  # "null"
    assert got.deviations == []  # the xop:Include stands for base64: the answer validates
    got.close()


def test_an_mtom_part_missing_or_cut_short_is_a_clear_error(releases: Releases) -> None:
    answer, archive = poll_answer()
    request = etree.fromstring(example_envelopes(ENP)[2])[-1][0]
    content_type, body = mtom.multipart_related(answer, [("other@ffoms.ru", "a/b", b"x")],
                                                root_id="root", boundary="uuid:2")
    with stand(Reply(body=body, content_type=content_type)) as ferzl, \
            pytest.raises(BadAnswer) as caught:
        Transport(Endpoints(ferzl.url, releases), lambda: "t").call(request)
    assert (caught.value.state, caught.value.retry) == ("ferzl.no_mtom_part", True)
    assert CID in str(caught.value) and caught.value.exchange.answer == answer

    content_type, body = mtom.multipart_related(answer, [(CID, "application/zip", archive)],
                                                root_id="root", boundary="uuid:3")
    cut = body[: len(body) - 200]
    with stand(Reply(body=cut, content_type=content_type)) as ferzl, \
            pytest.raises(BadAnswer, match="оборвано") as caught:
        Transport(Endpoints(ferzl.url, releases), lambda: "t").call(request)
    assert caught.value.state == "ferzl.bad_answer"
