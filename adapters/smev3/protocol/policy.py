"""What each СМЭВ fault, status and rejection means for the hub: journal state and retry policy.

The actions follow the "Действия клиента" the faults XSD documents for each fault. A journal
state is at most 20 characters (``journal_events.status``). Actions:

- ``wait``: in progress; nothing to do, a later status or the answer follows;
- ``retry``: retry later with growing delay (the hub's retry tiers, then dead-letter);
  *fresh* means resend as a new message (new MessageID, signed again), not the same bytes;
- ``fix``: do not retry; the data (or the code that built the message) must be fixed;
- ``operator``: do not retry; contact the СМЭВ operator or fix registration/certificates;
- ``done``: nothing more to do.

Faults (``soap:Fault/detail``, or ``SmevFault`` inside a rejection status):

=================================  ====================  ========  ==============================
fault                              journal state         action    why
=================================  ====================  ========  ==============================
AccessDenied                       smev.access_denied    operator  no permission for this exchange
PersonalAccessDenied (1.3)         smev.personal_denied  operator  personal certificate not allowed
AttachmentContentMiscoordination   smev.attach_mismatch  fix       headers and contents disagree
AttachmentSizeLimitExceeded        smev.attach_too_big   fix       send large files via FTP
BusinessDataTypeIsNotSupported     smev.unsupported      operator  routing of the type in СМЭВ
DestinationOverflow                smev.dest_overflow    retry     recipient queue full; keep going
EndOfLifeReached                   smev.expired          retry     fresh, with a later EOL
IncorrectResponseContentType       smev.bad_response     fix       a request sent as a response
InvalidContent                     smev.invalid          fix       content fails the type's XSD
InvalidMessageIdFormat             smev.bad_message_id   fix       MessageID is not a UUID v1
MessageIsAlreadySent               smev.already_sent     done      an earlier attempt got through
QuoteLimitExceeded                 smev.quota_exceeded   retry     attachment quota used up
RecipientIsNotFound                smev.no_recipient     operator  no recipient for ``To``
RequestIsNotFound                  smev.no_request       done      nothing to cancel
SenderIsNotRegistered              smev.not_registered   operator  certificate / IS not registered
SignatureVerificationFault         smev.bad_signature    fix       our signing is wrong …
  … CertificateIsNotFound          smev.cert_unknown     operator  certificate not in ЕСИА
  … CertificateIsExpired           smev.cert_expired     operator  get a new certificate
SMEVFailure                        smev.failure          retry     СМЭВ infrastructure failure
StaleMessageId                     smev.stale_id         retry     fresh; check the clock
TargetMessageIsNotFound            smev.ack_unknown      done      already acknowledged or expired
TransactionCodeInvalid             smev.bad_tx_code      fix       wrong TransactionCode
UnknownMessageType                 smev.unknown_type     fix       wrong MessageTypeSelector
(no detail) soap:Server            smev.server_fault     retry     transient by default
(no detail) soap:Client            smev.client_fault     fix       the request was refused
(unknown detail)                   smev.unknown_fault    operator  a fault this version lacks
=================================  ====================  ========  ==============================

Statuses (``AsyncProcessingStatus/StatusCategory``, ``basic:InteractionStatusType``); a
rejection that carries a fault takes the fault's policy:

========================  ====================  ========  ===========================
status                    journal state         action    why
========================  ====================  ========  ===========================
doesNotExist              smev.not_found        operator  СМЭВ has no such message
requestIsQueued           smev.queued           wait      awaiting async validation
requestIsAcceptedBySmev   smev.accepted         wait      validated, being delivered
requestIsRejectedBySmev   smev.rejected         fix       failed async validation
requestIsProcessed        smev.processed        wait      1.3: handled by СМЭВ
underProcessing           smev.in_progress      wait      the provider is working
responseIsQueued          smev.resp_queued      wait      1.3: answer being validated
responseIsAcceptedBySmev  smev.resp_accepted    wait      answer queued for delivery
responseIsRejectedBySmev  smev.resp_rejected    fix       answer failed validation
responseIsProcessed       smev.resp_processed   done      1.3: answer handled
responseIsDelivered       smev.resp_delivered   done      1.1: consumer got the answer
cancelled                 smev.cancelled        done      withdrawn
messageIsArchived         smev.archived         operator  archived undelivered
messageIsDelivered        smev.delivered        done      the recipient took it
(unknown)                 smev.unknown_status   operator  a status this version lacks
========================  ====================  ========  ===========================

Rejections by the provider (``RequestRejected/RejectionReasonCode``, ``RejectCode``):

===========================  ====================  ========  ==============================
code                         journal state         action    why
===========================  ====================  ========  ==============================
ACCESS_DENIED                smev.answer_denied    operator  the provider refuses us
NO_DATA                      smev.answer_no_data   done      a valid answer: nothing found
UNKNOWN_REQUEST_DESCRIPTION  smev.answer_bad_req   fix       the provider cannot parse it
FAILURE                      smev.answer_failure   retry     fresh: provider failure
(unknown)                    smev.answer_unknown   operator  a code this version lacks
===========================  ====================  ========  ==============================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.smev3.protocol.faults import SmevFault


class Action(StrEnum):
    """What the adapter does next."""

    WAIT = "wait"
    RETRY = "retry"
    FIX = "fix"
    OPERATOR = "operator"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Policy:
    """A journal state and the action that goes with it."""

    state: str
    action: Action
    why: str
    fresh: bool = False
    """Retry as a new message (new MessageID, signed again) rather than the same bytes."""

    @property
    def retry(self) -> bool:
        """Whether the hub retries (with growing delay, then dead-letters)."""
        return self.action is Action.RETRY

    @property
    def final(self) -> bool:
        """Whether this ends the exchange (nothing but a human or a new message changes it)."""
        return self.action in (Action.FIX, Action.OPERATOR, Action.DONE)


WAIT, RETRY, FIX, DONE = Action.WAIT, Action.RETRY, Action.FIX, Action.DONE
OPERATOR = Action.OPERATOR

FAULT_POLICY: dict[str, Policy] = {
    "AccessDenied": Policy("smev.access_denied", OPERATOR, "no permission for this exchange"),
    "PersonalAccessDenied": Policy("smev.personal_denied", OPERATOR, "personal certificate not "
                                   "allowed for this exchange"),
    "AttachmentContentMiscoordination": Policy("smev.attach_mismatch", FIX, "attachment headers "
                                               "and contents disagree"),
    "AttachmentSizeLimitExceeded": Policy("smev.attach_too_big", FIX, "attachments too large: "
                                          "send them through the file exchange"),
    "BusinessDataTypeIsNotSupported": Policy("smev.unsupported", OPERATOR, "the type is not routed "
                                             "to this system in СМЭВ"),
    "DestinationOverflow": Policy("smev.dest_overflow", RETRY, "the recipient's queue is full; "
                                  "keep sending, tell СМЭВ support"),
    "EndOfLifeReached": Policy("smev.expired", RETRY, "end of life passed: resend with a later "
                               "EOL", fresh=True),
    "IncorrectResponseContentType": Policy("smev.bad_response", FIX, "the content sent as a "
                                           "response is not the registered answer"),
    "InvalidContent": Policy("smev.invalid", FIX, "the content does not match its schema"),
    "InvalidMessageIdFormat": Policy("smev.bad_message_id", FIX, "MessageID is not a UUID v1"),
    "MessageIsAlreadySent": Policy("smev.already_sent", DONE, "an earlier attempt got through; "
                                   "stop resending"),
    "QuoteLimitExceeded": Policy("smev.quota_exceeded", RETRY, "attachment quota used up; resend "
                                 "once it is freed"),
    "RecipientIsNotFound": Policy("smev.no_recipient", OPERATOR, "no recipient for the reply "
                                  "address"),
    "RequestIsNotFound": Policy("smev.no_request", DONE, "the request to cancel is not in СМЭВ"),
    "SenderIsNotRegistered": Policy("smev.not_registered", OPERATOR, "our certificate or system is "
                                    "not registered in СМЭВ"),
    "SignatureVerificationFault": Policy("smev.bad_signature", FIX, "СМЭВ refused our signature: "
                                         "fix the signing"),
    "SMEVFailure": Policy("smev.failure", RETRY, "СМЭВ infrastructure failure: retry without "
                          "limit"),
    "StaleMessageId": Policy("smev.stale_id", RETRY, "the MessageID's time is too old: resend with "
                             "a new one (check the clock if it repeats)", fresh=True),
    "TargetMessageIsNotFound": Policy("smev.ack_unknown", DONE, "nothing to acknowledge: already "
                                      "acknowledged or expired"),
    "TransactionCodeInvalid": Policy("smev.bad_tx_code", FIX, "wrong TransactionCode"),
    "UnknownMessageType": Policy("smev.unknown_type", FIX, "the MessageTypeSelector names a type "
                                 "not ours or not registered"),
}
"""Policy of every fault of the faults XSDs, by fault name."""

SIGNATURE_REASON_POLICY: dict[str, Policy] = {
    "CertificateIsNotFound": Policy("smev.cert_unknown", OPERATOR, "our certificate is not in "
                                    "ЕСИА: contact the СМЭВ operator"),
    "CertificateIsExpired": Policy("smev.cert_expired", OPERATOR, "our certificate has expired: "
                                   "get a new one from the certification centre"),
}
"""Reasons of SignatureVerificationFault that are not fixed in code (the others are)."""

SERVER_FAULT = Policy("smev.server_fault", RETRY, "SOAP Server fault without detail")
CLIENT_FAULT = Policy("smev.client_fault", FIX, "SOAP Client fault without detail")
UNKNOWN_FAULT = Policy("smev.unknown_fault", OPERATOR, "a fault this protocol version does not "
                       "define")

STATUS_POLICY: dict[str, Policy] = {
    "doesNotExist": Policy("smev.not_found", OPERATOR, "СМЭВ has no message with this id"),
    "requestIsQueued": Policy("smev.queued", WAIT, "awaiting asynchronous validation"),
    "requestIsAcceptedBySmev": Policy("smev.accepted", WAIT, "validated, being delivered"),
    "requestIsRejectedBySmev": Policy("smev.rejected", FIX, "failed asynchronous validation"),
    "requestIsProcessed": Policy("smev.processed", WAIT, "handled by СМЭВ; the answer follows"),
    "underProcessing": Policy("smev.in_progress", WAIT, "the provider is working on it"),
    "responseIsQueued": Policy("smev.resp_queued", WAIT, "the answer awaits validation"),
    "responseIsAcceptedBySmev": Policy("smev.resp_accepted", WAIT, "the answer is queued"),
    "responseIsRejectedBySmev": Policy("smev.resp_rejected", FIX, "the answer failed "
                                       "asynchronous validation"),
    "responseIsProcessed": Policy("smev.resp_processed", DONE, "the answer was handled"),
    "responseIsDelivered": Policy("smev.resp_delivered", DONE, "the consumer took the answer"),
    "cancelled": Policy("smev.cancelled", DONE, "the request was withdrawn"),
    "messageIsArchived": Policy("smev.archived", OPERATOR, "archived without being delivered"),
    "messageIsDelivered": Policy("smev.delivered", DONE, "the recipient took the message"),
}
"""Policy of every ``InteractionStatusType`` value of 1.1, 1.2 and 1.3."""

UNKNOWN_STATUS = Policy("smev.unknown_status", OPERATOR, "a status this protocol version lacks")

REJECTION_POLICY: dict[str, Policy] = {
    "ACCESS_DENIED": Policy("smev.answer_denied", OPERATOR, "the provider refuses us access"),
    "NO_DATA": Policy("smev.answer_no_data", DONE, "a valid answer: no data found"),
    "UNKNOWN_REQUEST_DESCRIPTION": Policy("smev.answer_bad_req", FIX, "the provider cannot "
                                          "understand the request"),
    "FAILURE": Policy("smev.answer_failure", RETRY, "the provider failed: ask again later",
                      fresh=True),
}
"""Policy of every ``RejectCode`` value."""

UNKNOWN_REJECTION = Policy("smev.answer_unknown", OPERATOR, "a rejection code this version lacks")

_REJECTED = frozenset({"requestIsRejectedBySmev", "responseIsRejectedBySmev"})


def fault_policy(kind: str, faultcode: str = "Server", reason: str | None = None) -> Policy:
    """Policy of a fault by its detail name (``""`` for none) and SOAP faultcode."""
    if not kind:
        return CLIENT_FAULT if faultcode == "Client" else SERVER_FAULT
    if kind == "SignatureVerificationFault" and reason in SIGNATURE_REASON_POLICY:
        return SIGNATURE_REASON_POLICY[reason]
    return FAULT_POLICY.get(kind, UNKNOWN_FAULT)


def status_policy(category: str, fault: SmevFault | None = None) -> Policy:
    """Policy of a status; a rejection with a typed fault takes the fault's policy."""
    if category in _REJECTED and fault is not None and fault.kind:
        return fault.policy
    return STATUS_POLICY.get(category, UNKNOWN_STATUS)


def rejection_policy(code: str) -> Policy:
    """Policy of a provider's ``RejectionReasonCode``."""
    return REJECTION_POLICY.get(code, UNKNOWN_REJECTION)
