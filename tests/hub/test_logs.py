"""Structured logs: JSON lines with the ids of the message in hand, personal data masked."""

from __future__ import annotations

import json
import logging

from hub.logs import JsonFormatter
from hub.tracing import (
    current_correlation,
    current_message,
    current_trace,
    new_traceparent,
    trace_id_of,
)


def _format(msg: str) -> dict[str, str]:
    record = logging.LogRecord("omshub.test", logging.WARNING, __file__, 1, msg, (), None)
    return json.loads(JsonFormatter("handler.erz").format(record))


def test_a_log_line_carries_message_correlation_and_trace_ids():
    trace = trace_id_of({"traceparent": new_traceparent()})
    tokens = (current_message.set("m-1"), current_correlation.set("c-1"),
              current_trace.set(trace))
    try:
        line = _format("handled")
    finally:
        current_message.reset(tokens[0])
        current_correlation.reset(tokens[1])
        current_trace.reset(tokens[2])
    assert line["message_id"] == "m-1" and line["correlation_id"] == "c-1"
    assert line["trace_id"] == trace and len(trace) == 32
    assert line["component"] == "handler.erz" and line["level"] == "warning"


def test_personal_data_is_masked_in_logs():
    line = _format("ЗЛ не найден: СНИЛС 112-233-445 95, ЕНП 7700000000000123, "
                   "<FAM>Иванов</FAM>")
    assert "112-233-445 95" not in line["msg"]
    assert "7700000000000123" not in line["msg"]
    assert "Иванов" not in line["msg"]


def test_a_caused_message_continues_the_trace_with_a_new_span():
    from hub.tracing import continue_trace

    parent = {"traceparent": new_traceparent()}
    child = continue_trace(parent)
    assert trace_id_of(child) == trace_id_of(parent)
    assert child["traceparent"] != parent["traceparent"]
