"""The СМЭВ 3 states and kinds of message in the words the console's СМЭВ pages show.

The journal and the adapter's tables keep the protocol's states under the plug-in's prefix
(``smev.accepted``: :mod:`adapters.smev3.protocol.policy`); an operator reads them here in
Russian, with the code in the tooltip (the ``status`` macro's title). The API keeps the
codes.
"""

from __future__ import annotations

from adapters.smev3.protocol.policy import STATUS_POLICY

STATE_WORDS: dict[str, str] = {
    # what the adapter does with a message
    "pending": "ожидает отправки",
    "failed": "ошибка отправки, будет повтор",
    "answered": "получен ответ",
    "taken": "принято хабом",
    "rejected": "отклонено",
    "duplicate": "повтор, уже принято",
    # statuses СМЭВ reports (AsyncProcessingStatus)
    "smev.not_found": "СМЭВ: сообщение не найдено",
    "smev.queued": "СМЭВ: в очереди на проверку",
    "smev.accepted": "СМЭВ: принято, доставляется",
    "smev.rejected": "СМЭВ: отклонено при проверке",
    "smev.processed": "СМЭВ: обработано",
    "smev.in_progress": "поставщик обрабатывает",
    "smev.resp_queued": "СМЭВ: ответ в очереди на проверку",
    "smev.resp_accepted": "СМЭВ: ответ принят, доставляется",
    "smev.resp_rejected": "СМЭВ: ответ отклонён при проверке",
    "smev.resp_processed": "СМЭВ: ответ обработан",
    "smev.resp_delivered": "ответ доставлен получателю",
    "smev.cancelled": "отозвано",
    "smev.archived": "СМЭВ: в архиве, не доставлено",
    "smev.delivered": "доставлено получателю",
    "smev.unknown_status": "СМЭВ: неизвестный статус",
    # the provider's rejections
    "smev.answer_denied": "поставщик: доступ запрещён",
    "smev.answer_no_data": "поставщик: сведений нет",
    "smev.answer_bad_req": "поставщик: запрос некорректен",
    "smev.answer_failure": "поставщик: сбой",
    "smev.answer_unknown": "поставщик: отказ по неизвестной причине",
    # faults of СМЭВ on what we sent
    "smev.access_denied": "СМЭВ: нет прав на этот обмен",
    "smev.personal_denied": "СМЭВ: нет прав у сертификата",
    "smev.ack_unknown": "СМЭВ: подтверждать нечего",
    "smev.already_sent": "СМЭВ: уже отправлено",
    "smev.attach_mismatch": "СМЭВ: вложения не совпадают с заголовками",
    "smev.attach_too_big": "СМЭВ: вложения слишком велики",
    "smev.bad_message_id": "СМЭВ: неверный MessageID",
    "smev.bad_response": "СМЭВ: неверный тип ответа",
    "smev.bad_signature": "СМЭВ: подпись не прошла проверку",
    "smev.bad_tx_code": "СМЭВ: неверный код транзакции",
    "smev.cert_expired": "СМЭВ: сертификат просрочен",
    "smev.cert_unknown": "СМЭВ: сертификат неизвестен",
    "smev.client_fault": "СМЭВ: запрос отклонён",
    "smev.dest_overflow": "СМЭВ: очередь получателя переполнена, будет повтор",
    "smev.expired": "СМЭВ: срок жизни истёк, будет повтор",
    "smev.failure": "СМЭВ: сбой, будет повтор",
    "smev.invalid": "СМЭВ: содержимое не соответствует схеме",
    "smev.no_recipient": "СМЭВ: получатель не найден",
    "smev.no_request": "СМЭВ: запрос для ответа не найден",
    "smev.not_registered": "СМЭВ: вид сведений не зарегистрирован",
    "smev.quota_exceeded": "СМЭВ: квота исчерпана, будет повтор",
    "smev.server_fault": "СМЭВ: сбой сервера, будет повтор",
    "smev.stale_id": "СМЭВ: устаревший MessageID",
    "smev.unknown_fault": "СМЭВ: неизвестная ошибка",
    "smev.unknown_type": "СМЭВ: вид сведений не опознан",
    "smev.unsupported": "СМЭВ: вид сведений не маршрутизируется",
}
STATE_WORDS.update({category: STATE_WORDS[policy.state]
                    for category, policy in STATUS_POLICY.items()})
"""Every state of :mod:`adapters.smev3.protocol.policy` and of the adapter's tables, and
the status categories themselves (``responseIsAcceptedBySmev``: what SendRequest and
SendResponse answer, kept as the row's status until a later status replaces it)."""

KIND_WORDS: dict[str, str] = {"request": "запрос", "response": "ответ", "status": "статус",
                              "reject": "отказ", "unreadable": "нечитаемое сообщение"}
"""Kinds of message (``smev3_outgoing.kind``, ``smev3_received.kind``)."""
