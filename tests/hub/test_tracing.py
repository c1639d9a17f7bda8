"""OpenTelemetry: one trace from an adapter's intake to a handler's effect, across processes.

The adapter side (the probe adapter and its relay) runs in the test's process, the router and
two handlers in a second one; each process exports its spans into memory and the test puts
the two together. The trace context crosses the process boundary only in the envelope and
bus headers (W3C ``traceparent``).
"""

from __future__ import annotations

import json
import multiprocessing as mp
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from contracts.envelope import Envelope
from handlers.probe.models import probe_receipts
from hub import tracing
from hub.settings import load_settings
from hub.testing import running_hub, wait_for
from tests.conftest import Footprint
from tests.hub.components import Counter, seen

ROUTER = "hub.router"


def as_dict(span: ReadableSpan) -> dict[str, Any]:
    """What a test needs of a finished span, in a form that crosses processes."""
    assert span.context is not None
    return {
        "name": span.name,
        "kind": span.kind.name,
        "trace": f"{span.context.trace_id:032x}",
        "span": f"{span.context.span_id:016x}",
        "parent": f"{span.parent.span_id:016x}" if span.parent else None,
        "links": [f"{link.context.span_id:016x}" for link in span.links],
        "service": span.resource.attributes.get("service.name"),
        "attributes": {k: v for k, v in (span.attributes or {}).items()
                       if isinstance(v, str | int | float | bool)},
        "error": span.status.status_code.name == "ERROR",
    }


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    """This process traced into memory for the test; tracing off again afterwards."""
    memory = InMemorySpanExporter()
    tracing.configure("adapter.probe", exporter=memory)
    try:
        yield memory
    finally:
        tracing.configure("pytest")


def _router_and_handlers(broker: str, database: str, data_dir: str, out: str,
                         ready: Any, stop: Any) -> None:
    """The second process: the router and two handlers, traced into memory; spans to ``out``."""
    memory = InMemorySpanExporter()
    tracing.configure("router+handlers", exporter=memory)
    settings = load_settings(env={}, broker_url=broker, database_url=database,
                             data_dir=Path(data_dir), heartbeat_seconds=0.5)
    with running_hub(settings, [ROUTER, "handler.probe"], extra=[Counter]):
        ready.set()
        stop.wait(120)
    Path(out).write_text(json.dumps([as_dict(s) for s in memory.get_finished_spans()]))


def one(spans: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    """The single span whose fields (and ``attributes`` items) match."""
    attributes = match.pop("attributes", {})
    found = [s for s in spans if all(s[k] == v for k, v in match.items())
             and all(s["attributes"].get(k) == v for k, v in attributes.items())]
    assert len(found) == 1, f"{match} {attributes}: {found}\nof {spans}"
    return found[0]


def _run_two_processes(production: Footprint, tmp_path: Path
                       ) -> tuple[Envelope, list[dict[str, Any]]]:
    """Take one probe in here and let the other process route and handle it; its spans."""
    settings = production.settings(tmp_path)
    out = tmp_path / "spans.json"
    spawn = mp.get_context("spawn")
    ready, stop = spawn.Event(), spawn.Event()
    with running_hub(settings, ["adapter.probe"]) as hub:
        child = spawn.Process(target=_router_and_handlers, args=(
            production.broker_url, production.database_url, str(tmp_path / "child"),
            str(out), ready, stop))
        child.start()
        try:
            assert ready.wait(90), "the router and handlers did not start"
            adapter: Any = hub.process.components["adapter.probe"]
            env: Envelope = adapter.send(1)[0]
            wait_for(lambda: hub.count(seen, seen.c.message_id == env.id)
                     and hub.count(probe_receipts, probe_receipts.c.message_id == env.id),
                     timeout=60, message="both handlers' effects")
        finally:
            stop.set()
            child.join(90)
    assert child.exitcode == 0
    return env, json.loads(out.read_text())


@pytest.mark.rabbitmq
@pytest.mark.postgres
def test_one_trace_from_intake_to_the_handlers_effect_across_two_processes(
    production: Footprint, tmp_path: Path, exporter: InMemorySpanExporter
) -> None:
    env, theirs = _run_two_processes(production, tmp_path)
    ours = [as_dict(s) for s in exporter.get_finished_spans()]
    assert {s["service"] for s in ours} == {"adapter.probe"}
    assert {s["service"] for s in theirs} == {"router+handlers"}

    intake = one(ours, name="intake hub.probe.v1", kind="PRODUCER")
    trace = intake["trace"]
    assert env.headers["traceparent"].startswith(f"00-{trace}-{intake['span']}-")
    publish = [s for s in ours if s["name"] == "publish" and intake["span"] in s["links"]]
    assert publish and publish[0]["kind"] == "PRODUCER", "the relay's span links the message"

    route = one(theirs, name="route hub.probe.v1", trace=trace)
    assert route["parent"] == intake["span"], "the router continues the intake's span"
    process = {}
    for component in ("handler.probe", "handler.counter"):
        process[component] = one(theirs, name="process hub.probe.v1", trace=trace,
                                 attributes={"omshub.component": component})
        assert process[component]["parent"] == route["span"]
        assert process[component]["kind"] == "CONSUMER"
    # The effect: the counter's INSERT, a database span inside the message's span.
    effect = [s for s in theirs if s["parent"] == process["handler.counter"]["span"]
              and s["kind"] == "CLIENT"]
    assert effect and effect[0]["trace"] == trace
    assert "INSERT" in effect[0]["name"], effect
    # Each handler's batch has a span of its own, holding the transaction of the batch.
    batch = one(theirs, name="process omshub.handler.counter")
    assert batch["attributes"]["messaging.batch.message_count"] >= 1
