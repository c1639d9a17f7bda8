"""The Start/Poll loop with an injected clock: backoff, a deadline, bounded restarts; and
the loop over the transport against a stand-in answering Start, Poll… and the MTOM result."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from lxml import etree

from adapters.ferzl.binding import Endpoints
from adapters.ferzl.polling import (
    Backoff,
    Done,
    Failed,
    Pending,
    PollFailed,
    PollTimeout,
    Progress,
    outcome_of,
    run,
)
from adapters.ferzl.releases import Releases
from adapters.ferzl.transport import Transport
from contracts.ferzl_csv import LAYOUTS, CsvStream
from hub import mtom
from tests.adapters.ferzl.canned import Reply, example_envelopes, example_fragment, stand, zipped

ENP = "запрос-ответ getAllCurrentEnp start poll фрагмент выгружаемого файла.txt"


class Clock:
    """Time that passes only when the loop sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> bool:
        self.slept.append(seconds)
        self.now += seconds
        return False


def test_pending_polls_back_off_until_the_result() -> None:
    clock = Clock()
    answers: Iterator[Pending | Done[str] | Failed] = iter(
        [Pending("IN_PROGRESS"), Pending("IN_PROGRESS"), Pending(), Done("csv")])
    result: str = run(lambda: "t1", lambda token: next(answers), deadline=600,
                 schedule=Backoff(1, 2, 3), clock=clock, sleep=clock.sleep)
    assert result == "csv" and clock.slept == [1, 2, 3, 3]


def test_a_token_that_never_completes_ends_after_the_deadline() -> None:
    clock = Clock()
    progress = Progress()
    with pytest.raises(PollTimeout, match="не завершилась за 60 с.*«IN_PROGRESS»"):
        run(lambda: "t1", lambda token: Pending("IN_PROGRESS"), deadline=60,
            schedule=Backoff(5, 2, 20), clock=clock, sleep=clock.sleep, progress=progress)
    assert clock.now == 60 and progress.starts == 1 and progress.polls == len(clock.slept)


def test_a_failed_token_is_started_again_a_bounded_number_of_times() -> None:
    clock = Clock()
    tokens = iter(["t1", "t2", "t3", "t4"])
    outcomes: dict[str, Pending | Done[int] | Failed] = {
        "t1": Failed("ФЕРЗЛ вернул статус EXPIRED"), "t2": Done(42)}
    assert run(lambda: next(tokens), outcomes.__getitem__, deadline=600,
               clock=clock, sleep=clock.sleep) == 42

    starts: list[str] = []

    def start() -> str:
        starts.append(f"t{len(starts) + 1}")
        return starts[-1]

    def failing(token: str) -> Pending | Done[int] | Failed:
        return Failed("ФЕРЗЛ вернул статус ERROR")

    with pytest.raises(PollFailed, match="после 3 запусков.*t3: ФЕРЗЛ вернул статус ERROR"):
        run(start, failing, deadline=600,
            restarts=2, clock=clock, sleep=clock.sleep)
    assert starts == ["t1", "t2", "t3"]


def test_a_stop_request_ends_the_wait() -> None:
    with pytest.raises(PollTimeout):
        run(lambda: "t", lambda token: Pending(), deadline=600, sleep=lambda s: True)


def test_start_and_poll_over_the_transport_stream_the_csv(releases: Releases) -> None:
    start_request, start_answer, poll_request, poll_answer = example_envelopes(ENP)
    pending = re.sub(rb"<ns10:content>.*</ns10:content>", b"", poll_answer.replace(
        b">COMPLETED<", b">IN_PROGRESS<"), flags=re.S)
    cid = "3b462ac9-7935-4ede-9654-7940ae48b2e0@ffoms.ru"
    archive = zipped("\n".join(example_fragment(ENP)).encode())
    content_type, done = mtom.multipart_related(poll_answer, [(cid, "application/zip", archive)],
                                                root_id="root", boundary="uuid:p")
    clock = Clock()
    with stand(Reply(body=start_answer), Reply(body=pending),
               Reply(body=done, content_type=content_type)) as ferzl:
        client = Transport(Endpoints(ferzl.url, releases), lambda: "t")

        def start() -> str:
            token = client.call(etree.fromstring(start_request)[-1][0]).payload
            return token.findtext("{*}opToken") or ""

        def poll(token: str) -> Pending | Done[list[str | None]] | Failed:
            payload = etree.fromstring(poll_request)[-1][0]
            payload.find("{*}opToken").text = token
            answer = client.call(payload)
            try:
                return outcome_of(answer.payload, lambda: [
                    row["СНИЛС"] for row in CsvStream(answer.attachment().open(),
                                                      LAYOUTS["getAllCurrentEnp"])])
            finally:
                answer.close()

        snils = run(start, poll, deadline=60, schedule=Backoff(1, 2, 8), clock=clock,
                    sleep=clock.sleep)
    assert len(snils) == 19 and snils[0] == "07943624196"
    assert [r.headers["soapaction"].rsplit("/", 1)[1] for r in ferzl.received] == [
        'getAllCurrentEnpStart"', 'getAllCurrentEnpPoll"', 'getAllCurrentEnpPoll"']
    assert b"286db304-bcd7-4ed4-9d28-b3666a7b4a86" in ferzl.received[2].body
