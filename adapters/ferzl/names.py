"""The names ФЕРЗЛ gives the facts the walk reads (:mod:`adapters.ferzl.walk`), by local name.

One table per kind of item and one for a person's own leaves: the same fact has the same
name in every operation and release (``enp``, ``dudlSer``, ``dateAttachB``), and where
ФЕРЗЛ uses two names for one fact (``moFId``/``moFid``, ``aoguid``/``aoGuid``,
``birthDay``/``birthday``) both are listed.
"""

from __future__ import annotations

from contracts.ferzl import PersonRole

POLICY = {"policyItems", "createdPcy", "omspolicyItems", "pcy", "legalRepPcy"}
DOCUMENT = {"dudlItems", "dudl", "getNilsDataDudl", "accompaniedPersonDudl", "doc", "docNil",
            "nilDudl", "nilDoc", "applicantDocItem", "legalRepDocItem", "voucher", "dudlToAdd",
            "personRepVoucherDocItem", "docNR"}
ATTACHMENT = {"attachItems", "currAttach", "att", "attach"}
ADDRESS = {"addressItems", "addressItem", "getNilsDataAddress", "addr", "legalRepAddrItem",
           "address"}
NESTED: dict[str, PersonRole] = {
    "legalPerson": "legal_representative", "legalRepresentationItem": "legal_representation",
    "accompaniedPerson": "accompanying", "enpChangedEvent": "person",
    "mergeAncessorOip": "merge_ancestor",
}
"""Persons inside a person (or anywhere), with whom they are."""
IGNORED = {"appearanceDescription", "personalItemsOrMedications", "nilContacts", "contact",
           "accompaniedPersonContact", "dsourseNil", "applicantCont", "legalRepCont",
           "pagination", "errors", "content", "contactItems", "MOInfo"}
"""Containers the fund keeps nothing of (contacts, looks, belongings) or the message reads
itself (errors, pagination, the MTOM reference)."""
PERSON_MARKS = {"oip", "enp", "snils", "fio", "fioEstim", "surname", "surnameEstim", "nlr",
                "nLr", "policyNumEnp", "mergeAncessorOip", "ern", "decisionEnp"}
"""Leaves that make their parent a person."""
EVENT_GROUPS = {"enpArrived", "enpChanged", "enpDeparted"}

PERSON_FIELDS = {
    "oip": "oip", "enp": "enp", "snils": "snils", "ern": "ern", "nlr": "nil_number",
    "nLr": "nil_number", "mergeAncessorOip": "oip",
    "surname": "surname", "surnameEstim": "surname", "firstName": "name",
    "firstNameEstim": "name", "patronymic": "patronymic", "patronymicEstim": "patronymic",
    "fio": "full_name", "fioEstim": "full_name",
    "birthDay": "birth_date", "birthday": "birth_date", "birthDate": "birth_date",
    "birthTimestamp": "birth_date", "gender": "sex", "deathDate": "death_date",
    "deathDay": "death_date", "deathday": "death_date", "deathTimestamp": "death_date",
    "status": "status", "personStatus": "status", "terr": "territory", "smo": "insurer_code",
    "whenMerged": "merged_on", "moCode": "mo_code", "moId": "mo_id",
}
"""A person's leaf → its field."""
DECISION_FIELDS = {"decision": "code", "decisionDate": "decided_on", "decisionEnp": "enp",
                   "decisionOip": "oip"}
"""A НИЛ decision's leaves (in the НИЛ itself or in ``identificationNil``)."""
IDENTITY_FROM_ITEMS = {"enp", "surname", "firstName", "patronymic", "birthDay", "birthday",
                       "birthDate", "gender"}
"""What an item says of its person that completes the person."""
STATUS_POLICY = {"policyType": "type", "policyNumEnp": "number", "policySer": "series",
                 "policyStatus": "status", "smo": "insurer_code", "terr": "territory",
                 "policyValidFrom": "starts_on", "policyValidTo": "ends_on",
                 "policyEndDate": "ends_on"}
"""getInsuranceStatus's flat policy (``status/policyType``…) → :class:`Policy`."""
POLICY_FIELDS = {
    "pcyType": "type", "enp": "enp", "pcySer": "series", "pcyNum": "number",
    "pcySerNum": "number", "blankNum": "blank_number", "tmpcertNum": "temporary_certificate",
    "pcyDateB": "starts_on", "pcyDateE": "ends_on", "pcyDateT": "terminated_on",
    "pcyStatus": "status", "okato": "territory", "insurfCode": "insurer_code",
    "insurCode": "insurer_code", "insurfOgrn": "insurer_ogrn", "insurOgrn": "insurer_ogrn",
    "insurfName": "insurer_name", "insurName": "insurer_name", "pcyCategory": "category",
}
DOCUMENT_FIELDS = {
    "dudlType": "type", "docType": "type", "type": "type", "voucherType": "type",
    "dudlSer": "series", "docSer": "series", "voucherSer": "series",
    "dudlNum": "number", "docNum": "number", "voucherNum": "number",
    "dudlDateB": "issued_on", "voucherDateB": "issued_on", "dudlDateE": "valid_to",
    "voucherDateE": "valid_to", "issuer": "issuer", "dudlCodeDivision": "division_code",
    "ctznOksm": "citizenship", "dudlStatus": "status", "voucherStatus": "status",
}
ATTACHMENT_FIELDS = {
    "moId": "mo_id", "moCode": "mo_code", "moFId": "mo_branch_id", "moFid": "mo_branch_id",
    "moDepId": "department_id", "depId": "department_id", "moOkato": "mo_okato",
    "areaType": "area_type", "areaId": "area_id", "attachMethod": "method",
    "dateAttachB": "starts_on", "dateAttachE": "ends_on", "doctorId": "doctor_id",
    "snilsDoctor": "doctor_snils", "doctorSince": "doctor_since", "attachStatus": "status",
    "mCapitation": "capitation",
}
ADDRESS_FIELDS = {
    "addressType": "type", "okato": "okato", "oksm": "country", "aoguid": "fias_object",
    "aoGuid": "fias_object", "hsguid": "fias_house", "hsGuid": "fias_house",
    "appNum": "apartment", "addressText": "text", "validFrom": "valid_from",
    "addressDateB": "valid_from", "validTo": "valid_to", "addressDateE": "valid_to",
    "addressStatus": "status",
}
