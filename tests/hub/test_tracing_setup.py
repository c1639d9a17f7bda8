"""Tracing off by default, switched on by the standard ``OTEL_*`` variables; spans of one
process on both footprints; the client span of an outgoing SOAP call."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import ConsoleSpanExporter
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.smev3.client import SmevError
from adapters.smev3.soap import SoapClient
from contracts.envelope import utcnow
from contracts.probe import ProbeV1
from handlers.probe.models import probe_receipts
from hub import tracing
from hub.logs import JsonFormatter
from hub.outbox import envelope_for
from hub.testing import running_hub, wait_for
from tests.conftest import Footprint, free_port
from tests.hub.test_tracing import as_dict, exporter, one

__all__ = ["exporter"]  # the fixture, shared with the two-process test

OTEL = ("OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """No ``OTEL_*`` variable set; tracing off again after the test."""
    for name in OTEL:
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch
    monkeypatch.undo()
    tracing.configure("pytest")


def test_off_by_default_yet_messages_and_logs_carry_w3c_ids(environ: pytest.MonkeyPatch) -> None:
    assert tracing.configure("handler.probe") is None and not tracing.recording()
    env = envelope_for(ProbeV1(seq=1, sent_at=utcnow()), source="adapter.test")
    version, trace, span, flags = env.headers["traceparent"].split("-")
    assert (version, len(trace), len(span), flags) == ("00", 32, 16, "01")
    with tracing.following("process hub.probe.v1", {}, env.headers):
        caused = envelope_for(ProbeV1(seq=2, sent_at=utcnow()), source="h", cause=env)
        record = logging.LogRecord("omshub", logging.INFO, __file__, 1, "handled", (), None)
        line = json.loads(JsonFormatter("handler.probe").format(record))
    assert caused.headers["traceparent"].split("-")[1] == trace, "the trace goes on"
    assert (line["trace_id"], line["span_id"]) == (trace, span)


def test_the_standard_variables_switch_it_on(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("OTEL_TRACES_EXPORTER", "console")
    provider = tracing.configure("handler.probe")
    assert provider is not None and tracing.recording()
    assert provider.resource.attributes["service.name"] == "handler.probe"
    assert [type(e) for e in tracing.exporters_from_env()] == [ConsoleSpanExporter]
    environ.setenv("OTEL_SERVICE_NAME", "erz-handler")
    provider = tracing.configure("handler.erz")
    assert provider is not None and provider.resource.attributes["service.name"] == "erz-handler"

    environ.delenv("OTEL_TRACES_EXPORTER")
    environ.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    (otlp,) = tracing.exporters_from_env()
    assert isinstance(otlp, OTLPSpanExporter)
    otlp.shutdown()
    environ.setenv("OTEL_SDK_DISABLED", "true")
    assert tracing.exporters_from_env() == [] and tracing.configure("x") is None
    environ.delenv("OTEL_SDK_DISABLED")
    environ.setenv("OTEL_TRACES_EXPORTER", "none")
    assert tracing.exporters_from_env() == []
    environ.setenv("OTEL_TRACES_EXPORTER", "jaeger-nonesuch")
    with pytest.raises(ValueError, match="jaeger-nonesuch"):
        tracing.exporters_from_env()


def test_a_message_is_one_trace_in_one_process(
    footprint: Footprint, tmp_path: Path, exporter: InMemorySpanExporter
) -> None:
    settings = footprint.settings(tmp_path)
    with running_hub(settings, ["hub.router", "handler.probe"]) as hub:
        env = hub.publish(ProbeV1(seq=1, sent_at=utcnow()))
        wait_for(lambda: hub.count(probe_receipts, probe_receipts.c.message_id == env.id),
                 message="the probe handled")
    spans = [as_dict(s) for s in exporter.get_finished_spans()]
    intake = one(spans, name="intake hub.probe.v1")
    route = one(spans, name="route hub.probe.v1", trace=intake["trace"])
    process = one(spans, name="process hub.probe.v1", trace=intake["trace"])
    assert (route["parent"], process["parent"]) == (intake["span"], route["span"])
    assert process["attributes"]["messaging.message.id"] == env.id


def test_an_outgoing_soap_call_is_a_client_span(exporter: InMemorySpanExporter) -> None:
    url = f"http://127.0.0.1:{free_port()}/smev"
    with tracing.span("poll"), pytest.raises(SmevError, match="unreachable"):
        SoapClient(url, timeout=2).ack("4b9bd5a2-7f43-11ee-b962-0242ac120002")
    spans = [as_dict(s) for s in exporter.get_finished_spans()]
    call = one(spans, name="POST Ack", kind="CLIENT")
    assert call["parent"] == one(spans, name="poll")["span"] and call["error"]
    assert call["attributes"]["url.full"] == url
