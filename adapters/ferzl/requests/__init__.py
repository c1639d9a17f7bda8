"""Requests to ФЕРЗЛ: a typed model per operation, written for a chosen release.

    request = GetPersonData.by_enp("6193099726000157")
    element = build(releases, "24.2.6", request)   # validated against 24.2.6's XSD

Each model names its fields in English with the fund's term beside (``Xsd("enp", "ЕНП")``);
the writer takes the order and namespaces from the release's schema. ``externalRequestId``
is a new UUID unless given. A ``…Poll`` of any asynchronous operation is
``Poll(of="getAllCurrentEnp", token=…)``. Signed submissions take the already-made
``data``/``sign``/``certificate`` bytes.
"""

from __future__ import annotations

from adapters.ferzl.requests.async_ops import (
    AttachCriterion,
    ChangeAllPoliciesInsuranceToTfomsStart,
    FindPersonsByTerrSmoStart,
    GetAllCurrentEnpStart,
    GetChangesEventStart,
    GetInsuranceStatusChangesStart,
    GetInsuredUnassignedStart,
    GetMassInsuranceStatusStart,
    GetSmpUnassignedStart,
    GetViewDataAttachStart,
    GetViewDataInsuranceStart,
    GetViewDataSocStatusStart,
    InsuredOn,
    SubmitMassPolicyAppointmentStart,
)
from adapters.ferzl.requests.attach import Attachment, RegisterAttach
from adapters.ferzl.requests.base import Request, RequestError, Xsd
from adapters.ferzl.requests.common import (
    IdentityDocument,
    Pagination,
    Policy,
    Poll,
    SignedDocument,
)
from adapters.ferzl.requests.legal import (
    Conscript,
    Conscripts,
    GetLegalRepresentation,
    MilitaryService,
    NameBirth,
    SuspendOmsPolicyStart,
)
from adapters.ferzl.requests.nil import (
    DecisionCriteria,
    FindNils,
    GetNilsData,
    MakeNilIdentDecision,
    MedicalDocument,
    MedicalDocumentKind,
    MedicalDocumentNumber,
    NilCriteria,
    NilDecision,
)
from adapters.ferzl.requests.nr import (
    BirthInterval,
    DeathInterval,
    FindNRs,
    GetNRData,
    LegalRepresentative,
    MedicalOrganisation,
    NewbornCriteria,
)
from adapters.ferzl.requests.objects import (
    Address,
    NewDocument,
    RegisterAddress,
    RegisterDudl,
    RegisterSnils,
)
from adapters.ferzl.requests.person_info import (
    FindPersonsByPersCriteria,
    FullName,
    GetInsuranceStatus,
    GetMergeAncessorOip,
    GetPersonData,
    GetPersonDataHistory,
    InsuranceStatusParams,
    MergedOip,
    PersonCriteria,
    PersonDataParams,
    PersonHistoryParams,
    PersonSearch,
    SnilsBirth,
)
from adapters.ferzl.requests.policy import (
    Addresses,
    ApplicantContacts,
    ApplicantDocument,
    ApplicantDocuments,
    ApplicationSubmission,
    Contact,
    PersonDocument,
    PolicyApplication,
    RepresentationDocument,
    RepresentationDocuments,
    RepresentativeAddresses,
    RepresentativeContacts,
    RepresentativeDocuments,
    RepresentativePolicy,
    SubmitPolicyApplication,
    SubmitPolicyApplicationWithSign,
)
from adapters.ferzl.requests.writer import build, write


def _models() -> dict[str, type[Request]]:
    found: dict[str, type[Request]] = {}
    pending: list[type[Request]] = [Request]
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if model.OPERATION:
            found[model.OPERATION] = model
    return found


MODELS: dict[str, type[Request]] = _models()
"""Operation name → its request model (every ``…Poll`` is :class:`Poll`)."""


def model_of(operation: str) -> type[Request]:
    """The request model of an operation; LookupError (in Russian) when there is none."""
    if operation.endswith("Poll"):
        return Poll
    try:
        return MODELS[operation]
    except KeyError:
        raise LookupError(f"для операции {operation} нет модели запроса") from None


__all__ = [
    "MODELS", "Address", "Addresses", "ApplicantContacts", "ApplicantDocument",
    "ApplicantDocuments", "ApplicationSubmission", "AttachCriterion", "Attachment",
    "BirthInterval", "ChangeAllPoliciesInsuranceToTfomsStart", "Conscript", "Conscripts",
    "Contact", "DeathInterval", "DecisionCriteria", "FindNRs", "FindNils",
    "FindPersonsByPersCriteria", "FindPersonsByTerrSmoStart", "FullName",
    "GetAllCurrentEnpStart", "GetChangesEventStart", "GetInsuranceStatus",
    "GetInsuranceStatusChangesStart", "GetInsuredUnassignedStart", "GetLegalRepresentation",
    "GetMassInsuranceStatusStart", "GetMergeAncessorOip", "GetNRData", "GetNilsData",
    "GetPersonData", "GetPersonDataHistory", "GetSmpUnassignedStart", "GetViewDataAttachStart",
    "GetViewDataInsuranceStart", "GetViewDataSocStatusStart", "IdentityDocument",
    "InsuranceStatusParams", "InsuredOn", "LegalRepresentative", "MakeNilIdentDecision",
    "MedicalDocument", "MedicalDocumentKind", "MedicalDocumentNumber", "MedicalOrganisation",
    "MergedOip", "MilitaryService", "NameBirth", "NewDocument", "NewbornCriteria",
    "NilCriteria", "NilDecision", "Pagination", "PersonCriteria", "PersonDataParams",
    "PersonDocument", "PersonHistoryParams", "PersonSearch", "Policy", "PolicyApplication",
    "Poll", "RegisterAddress", "RegisterAttach", "RegisterDudl", "RegisterSnils",
    "RepresentationDocument", "RepresentationDocuments", "RepresentativeAddresses",
    "RepresentativeContacts", "RepresentativeDocuments", "RepresentativePolicy", "Request",
    "RequestError", "SignedDocument", "SnilsBirth", "SubmitMassPolicyAppointmentStart",
    "SubmitPolicyApplication", "SubmitPolicyApplicationWithSign", "SuspendOmsPolicyStart",
    "Xsd", "build", "model_of", "write",
]
