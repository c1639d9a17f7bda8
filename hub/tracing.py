"""Tracing with OpenTelemetry: W3C trace context in envelope headers, spans for every hop.

A message's trace starts where it is taken in (the ``intake`` span, :mod:`hub.context`): its
context is written into the envelope's ``traceparent`` and into the bus headers of its
outbox row. Every hop continues it: the relay's ``publish`` span links to it, the router's
``route`` span is its child and hands its own context on in the bus headers of the copies it
forwards, the runner's ``process`` span of the message (beside the span of its batch) is the
router's child, and what a handler sends carries that ``process`` span as its parent.
Database statements (SQLAlchemy) and outgoing HTTP/SOAP calls are spans of whatever is
current.

Off by default. With no ``OTEL_*`` configuration nothing is recorded or exported, and the
hot paths open no spans; every message still gets a W3C trace context, so logs carry trace
and span ids and traces join up across processes once tracing is on. It is switched on by
the standard variables: ``OTEL_TRACES_EXPORTER`` (``otlp``, ``console`` or the name of any
installed exporter) or an ``OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT``; the exporter, sampler,
batch processor and resource read the rest of the ``OTEL_*`` variables themselves
(``OTEL_SERVICE_NAME`` defaults to the component's name). ``OTEL_SDK_DISABLED=true`` or
``OTEL_TRACES_EXPORTER=none`` keep it off.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from importlib.metadata import entry_points
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import OTELResourceDetector, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    TraceState,
)

TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"
EXPORTERS = "opentelemetry_traces_exporter"
"""The entry-point group of span exporters (the one the OpenTelemetry SDK reads)."""

current_message: contextvars.ContextVar[str] = contextvars.ContextVar("message_id", default="")
current_correlation: contextvars.ContextVar[str] = contextvars.ContextVar(
    "correlation_id", default=""
)

_IDS = RandomIdGenerator()


class _State:
    """This process's tracing; set by :func:`configure`."""

    provider: TracerProvider | None = None
    tracer: trace.Tracer | None = None  # None: tracing is off
    configured = False
    global_set = False
    database_instrumented = False


def configure(service: str, *, exporter: SpanExporter | None = None) -> TracerProvider | None:
    """Set this process's tracing up from the ``OTEL_*`` variables; returns the provider.

    ``service`` is the ``service.name`` unless ``OTEL_SERVICE_NAME`` (or the attribute in
    ``OTEL_RESOURCE_ATTRIBUTES``) says otherwise. An ``exporter`` given here is used whatever
    the variables say, each span exported as it ends (tests pass an in-memory one). Returns
    None, and leaves tracing off, when no exporter is configured.
    """
    exporters = [exporter] if exporter is not None else exporters_from_env()
    old, _State.provider, _State.tracer = _State.provider, None, None
    _State.configured = True
    if old is not None:
        old.shutdown()
    if not exporters:
        _uninstrument_database()
        return None
    resource = Resource.create({"service.name": service, "service.namespace": "omshub"})
    provider = TracerProvider(resource=resource.merge(OTELResourceDetector().detect()))
    for each in exporters:
        provider.add_span_processor(
            SimpleSpanProcessor(each) if exporter is not None else BatchSpanProcessor(each))
    _State.provider, _State.tracer = provider, provider.get_tracer("omshub")
    if not _State.global_set:
        # Instrumentations and plug-ins' own spans (opentelemetry.trace.get_tracer) reach
        # whichever provider is configured now, through this once-set global.
        trace.set_tracer_provider(_Current())
        _State.global_set = True
    _instrument_database()
    return provider


class _Current(trace.TracerProvider):
    """The global provider: hands out tracers of the provider configured at the time."""

    def get_tracer(self, instrumenting_module_name: str, *args: Any,
                   **kwargs: Any) -> trace.Tracer:
        """A tracer that follows :func:`configure`."""
        # SQL statements are traced inside the hub's spans only: the pollers' idle queries
        # (the relay, heartbeats, the scheduler) make no traces of their own.
        roots = not instrumenting_module_name.startswith(
            "opentelemetry.instrumentation.sqlalchemy")
        return _Following(instrumenting_module_name, args, kwargs, roots=roots)


class _Following(trace.Tracer):
    """A tracer of the provider in force (no-op while tracing is off)."""

    def __init__(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], *,
                 roots: bool) -> None:
        self._key = (name, args, kwargs)
        self._roots = roots
        self._made: tuple[TracerProvider | None, trace.Tracer] = (None, trace.NoOpTracer())

    def _tracer(self) -> trace.Tracer:
        provider, made = self._made
        if provider is not _State.provider:
            name, args, kwargs = self._key
            made = (_State.provider.get_tracer(name, *args, **kwargs)
                    if _State.provider else trace.NoOpTracer())
            self._made = (_State.provider, made)
        return made

    def _refused(self, kwargs: dict[str, Any]) -> bool:
        """A root span this tracer may not start."""
        return not self._roots and not trace.get_current_span(
            kwargs.get("context")).get_span_context().is_valid

    def start_span(self, *args: Any, **kwargs: Any) -> Span:
        """As the provider in force starts it (nothing, for a root this tracer may not start)."""
        if self._refused(kwargs):
            return trace.INVALID_SPAN
        return self._tracer().start_span(*args, **kwargs)

    def start_as_current_span(self, *args: Any, **kwargs: Any) -> Any:
        """As the provider in force starts it (nothing, for a root this tracer may not start)."""
        if self._refused(kwargs):
            return nullcontext(trace.INVALID_SPAN)
        return self._tracer().start_as_current_span(*args, **kwargs)


def exporters_from_env() -> list[SpanExporter]:
    """The exporters ``OTEL_TRACES_EXPORTER`` names (none: tracing stays off)."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    names = [n.strip().lower() for n in os.environ.get("OTEL_TRACES_EXPORTER", "").split(",")
             if n.strip()]
    if not names and (os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
                      or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")):
        names = ["otlp"]
    if "none" in names:
        return []
    found: list[SpanExporter] = []
    for name in names:
        if name == "otlp":  # OTLP over HTTP unless gRPC is asked for (and installed)
            protocol = (os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
                        or os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL") or "http/protobuf")
            name = "otlp_proto_grpc" if protocol == "grpc" else "otlp_proto_http"
        points = entry_points(group=EXPORTERS, name=name)
        if not points:
            raise ValueError(f"OTEL_TRACES_EXPORTER: span exporter {name!r} is not installed")
        found.append(next(iter(points)).load()())
    return found


def _instrument_database() -> None:
    """A span for every SQL statement of the engines created from now on (once a process)."""
    if _State.database_instrumented:
        return
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # Its declared range ends below SQLAlchemy 2.1, whose engine events it hooks are the
    # same: skip the version check. It takes the global provider set just before.
    SQLAlchemyInstrumentor().instrument(skip_dep_check=True)
    _State.database_instrumented = True


def _uninstrument_database() -> None:
    if _State.database_instrumented:
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        SQLAlchemyInstrumentor().uninstrument()
        _State.database_instrumented = False


def recording() -> bool:
    """Whether spans are recorded and exported; hot paths skip their spans when not."""
    return _State.tracer is not None


def context_of(*carriers: Mapping[str, Any]) -> otel_context.Context | None:
    """The trace context of the first carrier (bus or envelope headers) that holds one."""
    for carrier in carriers:
        remote = _parse(carrier.get(TRACEPARENT), carrier.get(TRACESTATE))
        if remote is not None:
            return trace.set_span_in_context(NonRecordingSpan(remote))
    return None


def _parse(traceparent: Any, tracestate: Any) -> SpanContext | None:
    """A W3C ``traceparent`` (and ``tracestate``) read; None when absent or malformed.

    By hand rather than with the SDK's propagator: this runs for every message of every
    batch, and a split is several times cheaper than its regular expression.
    """
    if not traceparent or not isinstance(traceparent, str):
        return None
    parts = traceparent.split("-")
    if (len(parts) < 4 or len(parts[0]) != 2 or parts[0] == "ff" or len(parts[1]) != 32
            or len(parts[2]) != 16 or len(parts[3]) != 2 or (parts[0] == "00" and len(parts) > 4)):
        return None
    try:
        trace_id, span_id, flags = int(parts[1], 16), int(parts[2], 16), int(parts[3], 16)
    except ValueError:
        return None
    if not trace_id or not span_id:
        return None
    state = TraceState.from_header([tracestate]) if tracestate else None
    return SpanContext(trace_id, span_id, True, TraceFlags(flags), state)


def link_to(carrier: Mapping[str, Any]) -> Link | None:
    """A link to the span a carrier's trace context names (None when it has none)."""
    ctx = context_of(carrier)
    return Link(trace.get_current_span(ctx).get_span_context()) if ctx else None


def inject(headers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``headers`` plus the current span's W3C trace context (of a new trace when none)."""
    out = dict(headers or {})
    sc = trace.get_current_span().get_span_context()
    if not sc.is_valid:
        with span("create", kind=SpanKind.PRODUCER) as root:
            sc = root.get_span_context()
    out[TRACEPARENT] = f"00-{sc.trace_id:032x}-{sc.span_id:016x}-{int(sc.trace_flags):02x}"
    out.pop(TRACESTATE, None)
    if sc.trace_state:
        out[TRACESTATE] = sc.trace_state.to_header()
    return out


@contextmanager
def span(name: str, *, kind: SpanKind = SpanKind.INTERNAL,
         parent: Mapping[str, Any] | None = None, attributes: Mapping[str, Any] | None = None,
         links: Sequence[Link] = ()) -> Iterator[Span]:
    """A span, current inside the block: a child of ``parent``'s trace context if given,
    else of the current span. When tracing is off it records nothing but has ids."""
    ctx = context_of(parent) if parent else None
    if _State.tracer is not None:
        with _State.tracer.start_as_current_span(name, context=ctx, kind=kind,
                                                 attributes=dict(attributes or {}),
                                                 links=links) as current:
            yield current
        return
    current = _off_span(ctx)
    token = otel_context.attach(trace.set_span_in_context(current))
    try:
        yield current
    finally:
        otel_context.detach(token)


def _off_span(parent: otel_context.Context | None) -> Span:
    """A span that records nothing but has ids, in the trace of ``parent`` (or the current
    span's), else in a new one. A new trace is marked sampled: a process with tracing off
    leaves the decision to those downstream that have it on (their samplers follow parents).
    """
    up = trace.get_current_span(parent).get_span_context()
    if up.is_valid:
        sc = SpanContext(up.trace_id, _IDS.generate_span_id(), False, up.trace_flags,
                         up.trace_state)
    else:
        sc = SpanContext(_IDS.generate_trace_id(), _IDS.generate_span_id(), False,
                         TraceFlags(TraceFlags.SAMPLED))
    return NonRecordingSpan(sc)


@contextmanager
def following(name: str, *carriers: Mapping[str, Any], kind: SpanKind = SpanKind.CONSUMER,
              attributes: Mapping[str, Any] | None = None) -> Iterator[Span]:
    """Work on one message: a span, child of the first carrier's trace context, when
    recording; when not, only that context made current (ids for logs and what is sent)."""
    ctx = context_of(*carriers)
    if _State.tracer is not None:
        with _State.tracer.start_as_current_span(name, context=ctx, kind=kind,
                                                 attributes=dict(attributes or {})) as current:
            yield current
        return
    token = otel_context.attach(ctx) if ctx is not None else None
    try:
        yield trace.get_current_span()
    finally:
        if token is not None:
            otel_context.detach(token)


def failed(exc: BaseException) -> None:
    """Mark the current span failed by ``exc`` (a handler's failure is data, not raised)."""
    current = trace.get_current_span()
    if current.is_recording():
        current.record_exception(exc)
        current.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))


def continue_trace(headers: Mapping[str, str], name: str = "continue") -> dict[str, str]:
    """Headers for a message caused by one with ``headers``: same trace, a span of its own."""
    with span(name, kind=SpanKind.PRODUCER, parent=headers):
        return inject()


def current_ids() -> tuple[str, str]:
    """The trace and span ids of the current span in hex (empty when there is none)."""
    sc = trace.get_current_span().get_span_context()
    if not sc.is_valid:
        return "", ""
    return f"{sc.trace_id:032x}", f"{sc.span_id:016x}"


def batch(operation: str, destination: str, count: int) -> AbstractContextManager[Any]:
    """The span of a batch a consumer or the relay works on, when recording (else nothing).

    Its messages' own spans belong to their traces; this one holds the batch's shared work
    (the transaction, the journal, the publish with confirms).
    """
    if _State.tracer is None:
        return nullcontext()
    kind = SpanKind.PRODUCER if operation == "publish" else SpanKind.CONSUMER
    return span(f"{operation} {destination}", kind=kind, attributes={
        "messaging.operation.name": operation, "messaging.destination.name": destination,
        "messaging.batch.message_count": count})


def in_trace() -> bool:
    """Whether a span (recording or not) is current."""
    return trace.get_current_span().get_span_context().is_valid


def setup(service: str) -> None:
    """:func:`configure` from the ``OTEL_*`` variables, unless this process already is."""
    if not _State.configured:
        configure(service)
