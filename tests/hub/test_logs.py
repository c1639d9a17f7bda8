"""Structured logs: JSON lines with the ids of the message in hand, personal data masked."""

from __future__ import annotations

import json
import logging

from hub import tracing
from hub.logs import JsonFormatter
from hub.tracing import current_correlation, current_message


def _format(msg: str) -> dict[str, str]:
    record = logging.LogRecord("omshub.test", logging.WARNING, __file__, 1, msg, (), None)
    return json.loads(JsonFormatter("handler.erz").format(record))


def test_a_log_line_carries_message_correlation_trace_and_span_ids():
    parent = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
    tokens = (current_message.set("m-1"), current_correlation.set("c-1"))
    try:
        with tracing.span("handle", parent=parent) as span:
            line = _format("handled")
    finally:
        current_message.reset(tokens[0])
        current_correlation.reset(tokens[1])
    assert line["message_id"] == "m-1" and line["correlation_id"] == "c-1"
    assert line["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert line["span_id"] == f"{span.get_span_context().span_id:016x}" != "00f067aa0ba902b7"
    assert line["component"] == "handler.erz" and line["level"] == "warning"
    assert "trace_id" not in _format("outside any span")


def test_personal_data_is_masked_in_logs():
    line = _format("ЗЛ не найден: СНИЛС 112-233-445 95, ЕНП 7700000000000123, "
                   "<FAM>Иванов</FAM>")
    assert "112-233-445 95" not in line["msg"]
    assert "7700000000000123" not in line["msg"]
    assert "Иванов" not in line["msg"]


def test_a_caused_message_continues_the_trace_with_a_new_span():
    parent = tracing.inject()
    child = tracing.continue_trace(parent)
    assert child["traceparent"].split("-")[1] == parent["traceparent"].split("-")[1]
    assert child["traceparent"] != parent["traceparent"]
