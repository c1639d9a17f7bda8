"""The sender's data blocks, both ways: SenderProvidedRequestData, SenderProvidedResponseData,
their attachment headers, AttachmentContentList, FSAttachmentsList and MessageTypeSelector.

Writers follow the XSD's element order exactly (a sequence is order-sensitive); readers are
lenient about what a version lacks and strict about what every version requires.
"""

from __future__ import annotations

import base64
import binascii
import copy

from adapters.smev3.protocol.envelope import (
    Element,
    Signer,
    content_of,
    elements,
    find,
    local,
    need,
    need_text,
    put_signature,
    q,
    signature_in,
    sub,
    sub_opt,
    text,
)
from adapters.smev3.protocol.errors import ProtocolError
from adapters.smev3.protocol.metadata import read_status, write_status
from adapters.smev3.protocol.models import (
    ArchiveFile,
    AttachmentContent,
    AttachmentHeader,
    FSAttachment,
    MessageTypeSelector,
    RefAttachmentHeader,
    Rejection,
    RequestData,
    RequestStatus,
    ResponseData,
)
from adapters.smev3.protocol.values import format_datetime, parse_datetime
from adapters.smev3.protocol.versions import XOP, Version


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(raw: str, where: str) -> bytes:
    try:
        return base64.b64decode("".join(raw.split()), validate=True)
    except binascii.Error:
        raise ProtocolError(f"{where} is not base64") from None


def _write_archive(parent: Element, v: Version, archive: tuple[ArchiveFile, ...]) -> None:
    if archive and v.number == "1.3":
        element = sub(parent, v.basic, "Archive")
        for item in archive:
            file = sub(element, v.basic, "File")
            sub(file, v.basic, "Name", item.name)
            sub(file, v.basic, "NamespaceUri", item.namespace_uri)


def _read_archive(parent: Element, v: Version) -> tuple[ArchiveFile, ...]:
    archive = find(parent, v.basic, "Archive")
    if archive is None:
        return ()
    return tuple(ArchiveFile(need_text(f, v.basic, "Name"), need_text(f, v.basic, "NamespaceUri"))
                 for f in archive.iterfind(q(v.basic, "File")))


def _write_headers(parent: Element, v: Version, headers: tuple[AttachmentHeader, ...],
                   refs: tuple[RefAttachmentHeader, ...]) -> None:
    v13 = v.number == "1.3"
    if headers:
        listing = sub(parent, v.basic, "AttachmentHeaderList")
        for h in headers:
            item = sub(listing, v.basic, "AttachmentHeader")
            sub(item, v.basic, "contentId", h.content_id)
            sub_opt(item, v.basic, "NamespaceUri", h.namespace_uri if v13 else None)
            sub(item, v.basic, "MimeType", h.mime_type)
            if h.signature_pkcs7 is not None:
                sub(item, v.basic, "SignaturePKCS7", _b64(h.signature_pkcs7))
            _write_archive(item, v, h.archive)
    if refs:
        listing = sub(parent, v.basic, "RefAttachmentHeaderList")
        for r in refs:
            item = sub(listing, v.basic, "RefAttachmentHeader")
            sub(item, v.basic, "uuid", r.uuid)
            sub_opt(item, v.basic, "FileName", r.file_name if v13 else None)
            sub_opt(item, v.basic, "NamespaceUri", r.namespace_uri if v13 else None)
            sub(item, v.basic, "Hash", r.hash)
            sub(item, v.basic, "MimeType", r.mime_type)
            if r.signature_pkcs7 is not None:
                sub(item, v.basic, "SignaturePKCS7", _b64(r.signature_pkcs7))
            _write_archive(item, v, r.archive)


def _pkcs7(item: Element, v: Version) -> bytes | None:
    raw = text(item, v.basic, "SignaturePKCS7")
    return None if raw is None else _unb64(raw, "SignaturePKCS7")


def _read_headers(parent: Element, v: Version
                  ) -> tuple[tuple[AttachmentHeader, ...], tuple[RefAttachmentHeader, ...]]:
    headers: list[AttachmentHeader] = []
    refs: list[RefAttachmentHeader] = []
    listing = find(parent, v.basic, "AttachmentHeaderList")
    for item in () if listing is None else listing.iterfind(q(v.basic, "AttachmentHeader")):
        headers.append(AttachmentHeader(
            content_id=need_text(item, v.basic, "contentId"),
            mime_type=need_text(item, v.basic, "MimeType"),
            signature_pkcs7=_pkcs7(item, v),
            namespace_uri=text(item, v.basic, "NamespaceUri"),
            archive=_read_archive(item, v)))
    listing = find(parent, v.basic, "RefAttachmentHeaderList")
    for item in () if listing is None else listing.iterfind(q(v.basic, "RefAttachmentHeader")):
        refs.append(RefAttachmentHeader(
            uuid=need_text(item, v.basic, "uuid"), hash=need_text(item, v.basic, "Hash"),
            mime_type=need_text(item, v.basic, "MimeType"), signature_pkcs7=_pkcs7(item, v),
            file_name=text(item, v.basic, "FileName"),
            namespace_uri=text(item, v.basic, "NamespaceUri"), archive=_read_archive(item, v)))
    return tuple(headers), tuple(refs)


def _write_content(parent: Element, v: Version, content: Element,
                   personal: Element | None, personal_signer: Signer | None,
                   headers: tuple[AttachmentHeader, ...],
                   refs: tuple[RefAttachmentHeader, ...]) -> None:
    wrapper = sub(parent, v.basic, "MessagePrimaryContent")
    wrapper.append(copy.deepcopy(content))  # the caller's tree stays as it was
    put_signature(parent, v.types, "PersonalSignature", wrapper[0], personal_signer, personal,
                  need_id=False)
    _write_headers(parent, v, headers, refs)


def write_request_data(parent: Element, v: Version, data: RequestData,
                       personal_signer: Signer | None = None) -> Element:
    """Append ``SenderProvidedRequestData`` (the element the caller's signature covers)."""
    element = sub(parent, v.types, "SenderProvidedRequestData", attrib={"Id": data.id})
    sub(element, v.types, "MessageID", data.message_id)
    sub_opt(element, v.types, "ReferenceMessageID", data.reference_message_id)
    sub_opt(element, v.types, "TransactionCode", data.transaction_code)
    sub_opt(element, v.types, "NodeID", data.node_id)
    sub_opt(element, v.types, "EOL", None if data.eol is None else format_datetime(data.eol))
    _write_content(element, v, data.content, data.personal_signature, personal_signer,
                   data.attachment_headers, data.ref_attachment_headers)
    if data.business_process_metadata:
        holder = sub(element, v.types, "BusinessProcessMetadata")
        for item in data.business_process_metadata:
            holder.append(copy.deepcopy(item))
    if data.test_message:
        sub(element, v.types, "TestMessage")
    return element


def read_request_data(element: Element, v: Version) -> RequestData:
    """``SenderProvidedRequestData`` as :class:`RequestData` (content stays in the tree)."""
    eol = text(element, v.types, "EOL")
    headers, refs = _read_headers(element, v)
    metadata = find(element, v.types, "BusinessProcessMetadata")
    return RequestData(
        content=content_of(need(element, v.basic, "MessagePrimaryContent")),
        message_id=need_text(element, v.types, "MessageID"),
        reference_message_id=text(element, v.types, "ReferenceMessageID"),
        transaction_code=text(element, v.types, "TransactionCode"),
        node_id=text(element, v.types, "NodeID"),
        eol=None if eol is None else parse_datetime(eol),
        test_message=find(element, v.types, "TestMessage") is not None,
        attachment_headers=headers, ref_attachment_headers=refs,
        business_process_metadata=() if metadata is None else tuple(elements(metadata)),
        personal_signature=signature_in(element, v.types, "PersonalSignature"),
        id=element.get("Id"),
    )


def write_response_data(parent: Element, v: Version, data: ResponseData,
                        personal_signer: Signer | None = None) -> Element:
    """Append ``SenderProvidedResponseData``: content, rejections, a status, or СМЭВ's status."""
    element = sub(parent, v.types, "SenderProvidedResponseData", attrib={"Id": data.id})
    sub(element, v.types, "MessageID", data.message_id)
    sub(element, v.types, "To", data.to)
    if data.content is not None:
        _write_content(element, v, data.content, data.personal_signature, personal_signer,
                       data.attachment_headers, data.ref_attachment_headers)
    for rejection in data.rejections:
        item = sub(element, v.types, "RequestRejected")
        sub(item, v.types, "RejectionReasonCode", rejection.code)
        sub(item, v.types, "RejectionReasonDescription", rejection.description)
    if data.request_status is not None:
        item = sub(element, v.types, "RequestStatus")
        sub(item, v.types, "StatusCode", data.request_status.code)
        for key, value in data.request_status.parameters:
            parameter = sub(item, v.types, "StatusParameter")
            sub(parameter, v.types, "Key", key)
            sub(parameter, v.types, "Value", value)
        sub(item, v.types, "StatusDescription", data.request_status.description)
    if data.async_status is not None:
        write_status(element, v, data.async_status)
    return element


def read_response_data(element: Element, v: Version) -> ResponseData:
    """``SenderProvidedResponseData`` as :class:`ResponseData`."""
    common = {"to": need_text(element, v.types, "To"),
              "message_id": need_text(element, v.types, "MessageID"), "id": element.get("Id")}
    wrapper = find(element, v.basic, "MessagePrimaryContent")
    if wrapper is not None:
        headers, refs = _read_headers(element, v)
        return ResponseData(
            content=content_of(wrapper), attachment_headers=headers,
            ref_attachment_headers=refs,
            personal_signature=signature_in(element, v.types, "PersonalSignature"), **common)
    rejected = list(element.iterfind(q(v.types, "RequestRejected")))
    if rejected:
        return ResponseData(rejections=tuple(
            Rejection(need_text(r, v.types, "RejectionReasonCode"),
                      need_text(r, v.types, "RejectionReasonDescription")) for r in rejected),
            **common)
    status = find(element, v.types, "RequestStatus")
    if status is not None:
        parameters = tuple((need_text(p, v.types, "Key"), need_text(p, v.types, "Value"))
                           for p in status.iterfind(q(v.types, "StatusParameter")))
        return ResponseData(request_status=RequestStatus(
            need_text(status, v.types, "StatusCode"),
            need_text(status, v.types, "StatusDescription"), parameters), **common)
    processing = find(element, v.types, "AsyncProcessingStatus")
    if processing is not None:
        return ResponseData(async_status=read_status(processing, v), **common)
    raise ProtocolError("SenderProvidedResponseData has neither MessagePrimaryContent, "
                        "RequestRejected, RequestStatus nor AsyncProcessingStatus")


def write_attachments(parent: Element, v: Version,
                      attachments: tuple[AttachmentContent, ...]) -> None:
    """Append ``AttachmentContentList`` with inline base64 contents (nothing when empty)."""
    if not attachments:
        return
    listing = sub(parent, v.basic, "AttachmentContentList")
    for attachment in attachments:
        if attachment.content is None:
            # Bytes are written inline (the XOP infoset); http.request packs them as MTOM.
            raise ProtocolError(f"attachment {attachment.id}: give its bytes (content), "
                                "not an xop:Include; MTOM packaging happens on the wire")
        item = sub(listing, v.basic, "AttachmentContent")
        sub(item, v.basic, "Id", attachment.id)
        sub(item, v.basic, "Content", _b64(attachment.content))


def read_attachments(parent: Element, v: Version) -> tuple[AttachmentContent, ...]:
    """``AttachmentContentList``: inline bytes, or the ``cid:`` of an MTOM part."""
    listing = find(parent, v.basic, "AttachmentContentList")
    if listing is None:
        return ()
    found = []
    for item in listing.iterfind(q(v.basic, "AttachmentContent")):
        ident = need_text(item, v.basic, "Id")
        content = need(item, v.basic, "Content")
        include = content.find(q(XOP, "Include"))
        if include is not None:
            found.append(AttachmentContent(ident, xop_href=include.get("href")))
        else:
            found.append(AttachmentContent(ident, _unb64(content.text or "", f"attachment "
                                                          f"{ident}")))
    return tuple(found)


def write_fs_attachments(parent: Element, v: Version, items: tuple[FSAttachment, ...]) -> None:
    """Append ``FSAttachmentsList`` (where the recipient fetches FTP files)."""
    if items:
        listing = sub(parent, v.basic, "FSAttachmentsList")
        for item in items:
            entry = sub(listing, v.basic, "FSAttachment")
            sub(entry, v.basic, "uuid", item.uuid)
            sub(entry, v.basic, "UserName", item.user_name)
            sub(entry, v.basic, "Password", item.password)
            sub(entry, v.basic, "FileName", item.file_name)


def read_fs_attachments(parent: Element, v: Version) -> tuple[FSAttachment, ...]:
    """``FSAttachmentsList``."""
    listing = find(parent, v.basic, "FSAttachmentsList")
    if listing is None:
        return ()
    return tuple(FSAttachment(need_text(e, v.basic, "uuid"), need_text(e, v.basic, "UserName"),
                              need_text(e, v.basic, "Password"),
                              need_text(e, v.basic, "FileName"))
                 for e in listing.iterfind(q(v.basic, "FSAttachment")))


def write_selector(parent: Element, v: Version, selector: MessageTypeSelector) -> Element:
    """Append ``basic:MessageTypeSelector`` (the element GetRequest/GetResponse sign)."""
    element = sub(parent, v.basic, "MessageTypeSelector", attrib={"Id": selector.id})
    sub_opt(element, v.basic, "NamespaceURI", selector.namespace_uri)
    sub_opt(element, v.basic, "RootElementLocalName", selector.root_element_local_name)
    sub(element, v.basic, "Timestamp", format_datetime(selector.timestamp))
    sub_opt(element, v.basic, "NodeID", selector.node_id)
    return element


def read_selector(element: Element, v: Version) -> MessageTypeSelector:
    """``MessageTypeSelector``."""
    if local(element) != "MessageTypeSelector":
        raise ProtocolError(f"expected MessageTypeSelector, found {local(element)}")
    return MessageTypeSelector(
        namespace_uri=text(element, v.basic, "NamespaceURI"),
        root_element_local_name=text(element, v.basic, "RootElementLocalName"),
        node_id=text(element, v.basic, "NodeID"),
        timestamp=parse_datetime(need_text(element, v.basic, "Timestamp")),
        id=element.get("Id"),
    )
