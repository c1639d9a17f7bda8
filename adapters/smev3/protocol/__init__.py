"""The СМЭВ 3 message-exchange protocol (versions 1.1, 1.2, 1.3), both sides of the wire.

One implementation serves the adapter (it builds requests and parses replies) and the
simulator (it parses requests and builds replies)::

    from adapters.smev3 import protocol as p

    envelope = p.build_request("1.3", p.SendRequestCall(p.RequestData(content=element)),
                               signer=sign)            # sign: element -> ds:Signature
    headers, body = p.http.request("SendRequest", envelope)
    ...
    try:
        result = p.parse_reply("SendRequest", reply_bytes)   # SendResult
    except p.SmevFault as fault:
        fault.policy                                         # journal state + what to do

Modules, each one idea:

- :mod:`.versions` — namespaces, schema file names, operations and SOAPActions per version;
- :mod:`.values` — message ids (UUID v1), date-times, booleans;
- :mod:`.models` — typed values of every structure (calls, replies, metadata, statuses);
- :mod:`.envelope` — the SOAP 1.1 frame, the :data:`Signer` hook, element helpers;
- :mod:`.blocks`, :mod:`.metadata` — the shared blocks, written and read per version;
- :mod:`.requests` — :func:`build_request` / :func:`parse_request`;
- :mod:`.responses` — :func:`build_reply` / :func:`parse_reply`;
- :mod:`.faults`, :mod:`.soapfault` — typed faults and their XML;
- :mod:`.policy` — journal state and retry policy of every fault, status and rejection;
- :mod:`.validation` — envelopes against the official XSDs (and the 1.2 repair);
- :mod:`.http` — Content-Type, SOAPAction, plain and multipart bodies;
- :mod:`.mtom` — attachment contents as XOP/MIME parts, both ways.
"""

from adapters.smev3.protocol import http, mtom
from adapters.smev3.protocol.envelope import Signer, open_envelope, to_bytes
from adapters.smev3.protocol.errors import ProtocolError, UnknownVersion
from adapters.smev3.protocol.faults import FAULTS, SmevFault, ValidationError
from adapters.smev3.protocol.models import (
    AckCall,
    ArchiveFile,
    AsyncProcessingStatus,
    AttachmentContent,
    AttachmentHeader,
    Call,
    CancelMessage,
    FSAttachment,
    GetRequestCall,
    GetResponseCall,
    GetStatusCall,
    MessageMetadata,
    MessageTypeSelector,
    Participant,
    RefAttachmentHeader,
    Rejection,
    RequestData,
    RequestMessage,
    RequestStatus,
    ResponseData,
    ResponseMessage,
    SendRequestCall,
    SendResponseCall,
    SendResult,
    StatusMessage,
)
from adapters.smev3.protocol.policy import Action, Policy
from adapters.smev3.protocol.requests import Incoming, build_request, operation_of, parse_request
from adapters.smev3.protocol.responses import Reply, build_reply, parse_reply
from adapters.smev3.protocol.soapfault import fault_envelope
from adapters.smev3.protocol.validation import EnvelopeValidator, InvalidEnvelope, repair_rnip_1_2
from adapters.smev3.protocol.values import is_message_id, message_id_time, new_message_id
from adapters.smev3.protocol.versions import (
    OPERATIONS,
    SOAP_ACTIONS,
    VERSIONS,
    Operation,
    Version,
    version,
)

__all__ = [
    "FAULTS", "OPERATIONS", "SOAP_ACTIONS", "VERSIONS", "AckCall", "Action", "ArchiveFile",
    "AsyncProcessingStatus", "AttachmentContent", "AttachmentHeader", "Call", "CancelMessage",
    "EnvelopeValidator", "FSAttachment", "GetRequestCall", "GetResponseCall", "GetStatusCall",
    "Incoming", "InvalidEnvelope", "MessageMetadata", "MessageTypeSelector", "Operation",
    "Participant", "Policy", "ProtocolError", "RefAttachmentHeader", "Rejection", "Reply",
    "RequestData", "RequestMessage", "RequestStatus", "ResponseData", "ResponseMessage",
    "SendRequestCall", "SendResponseCall", "SendResult", "Signer", "SmevFault",
    "StatusMessage", "UnknownVersion", "ValidationError", "Version", "build_reply",
    "build_request", "fault_envelope", "http", "is_message_id", "message_id_time",
    "mtom", "new_message_id", "open_envelope", "operation_of", "parse_reply", "parse_request",
    "repair_rnip_1_2", "to_bytes", "version",
]
