"""The information type: ЕГР ЗАГС divorce records 112-48 v4.0.2, and their canonical form.

The schema declares one message, ``BRAKRRequest``: the registry offices (ЗАГС) deliver
divorce records to their subscribers, the fund among them, which take them in with
GetRequest. There is no answer element: the type is *one-way* (``response_model = None``).

On the bus the delivery is the canonical ``zags.name_changes``
(:class:`contracts.zags_acts.NameChangeRecordsV1`, act kind ``divorce``), mapped as a
marriage is (:mod:`adapters.smev3.vs.zags_brakz.mapping`): both spouses, each with the
surname before the divorce and the one after when it changed. Left out as there, and also
the dissolved marriage's record (``СведДокЗаклБрак``) and the spouses' certificates.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.zags_brakr import samples
from adapters.smev3.vs.zags_brakr.messages import NS, SCHEMA, BrakrRequestV1, DivorceRecord
from adapters.smev3.vs.zags_brakz.mapping import act_record, whole
from contracts.xmlbind.binding import MappingError, XmlModel
from contracts.zags_acts import NameChangeRecord, NameChangeRecordsV1

FORMAT = "112-48"


def record(rec: DivorceRecord) -> NameChangeRecord:
    """One divorce record in the fund's terms."""
    divorce = rec.registered
    return act_record(rec, happened_on=whole(divorce.divorced_on, divorce.divorced_on_partial),
                      husband=divorce.husband, wife=divorce.wife,
                      annulled=rec.annulment is not None)


def canonical(request: BrakrRequestV1) -> NameChangeRecordsV1:
    """The delivery as ``zags.name_changes``: one-way, nobody answers it."""
    return NameChangeRecordsV1(delivery_id=request.id, as_of=request.as_of,
                               source_format=FORMAT, act_kind="divorce",
                               records=[record(r) for r in request.records])


class ZagsBrakr(BoundInformationType):
    """Divorce records from ЕГР ЗАГС (расторжение брака), 112-48 v4.0.2: delivered to the fund."""

    key: ClassVar[str] = "zags.brakr"
    title: ClassVar[str] = ("ЕГР ЗАГС: сведения о записях актов о расторжении брака "
                            "(112-48, 4.0.2)")
    role: ClassVar[Role] = "provider"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = BrakrRequestV1
    response_model: ClassVar[type[XmlModel] | None] = None
    canonical_request: ClassVar[type[BaseModel] | None] = NameChangeRecordsV1

    def to_canonical(self, message: BaseModel) -> BaseModel:
        """The delivery as ``zags.name_changes``."""
        if not isinstance(message, BrakrRequestV1):
            raise MappingError(f"expected a BrakrRequestV1, got {type(message).__qualname__}")
        return canonical(message)

    def sample_request(self) -> BaseModel | None:
        """A delivery of one divorce record (fictitious persons)."""
        return samples.delivery()
