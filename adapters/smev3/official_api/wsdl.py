"""The WSDL of the interface, composed from the official adapter's published XSDs.

The official adapter's WSDL is not public; its schemas are (``smev-service-adapter-types.xsd``
and ``smev-service-adapter-faults.xsd``). This WSDL binds them the way clients of the
official adapter call it: SOAP 1.1, document/literal, service namespace
``urn://x-artefacts-smev-gov-ru/services/service-adapter``, binding
``SMEVServiceAdapterSoapBinding``, operations ``Send`` (ClientMessage → MessageResult),
``Get`` (MessageQuery → QueryResult) and ``Find`` (FindMessageQuery → QueryResultList),
each with the faults SystemFault and ValidationFault.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

SERVICE_NS = "urn://x-artefacts-smev-gov-ru/services/service-adapter"
TYPES_NS = "urn://x-artefacts-smev-gov-ru/services/service-adapter/types"
FAULTS_NS = "urn://x-artefacts-smev-gov-ru/services/service-adapter/types/faults"
TYPES_XSD = "smev-service-adapter-types.xsd"
FAULTS_XSD = "smev-service-adapter-faults.xsd"
BINDING = f"{{{SERVICE_NS}}}SMEVServiceAdapterSoapBinding"

OPERATIONS = (("Send", "ClientMessage", "MessageResult"),
              ("Get", "MessageQuery", "QueryResult"),
              ("Find", "FindMessageQuery", "QueryResultList"))
"""(operation, input element, output element)."""

_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="{service}" xmlns:types="{types}" xmlns:fault="{faults}"
    name="SMEVServiceAdapterService" targetNamespace="{service}">
  <wsdl:types>
    <xs:schema targetNamespace="{service}/import">
      <xs:import namespace="{types}" schemaLocation={types_location}/>
      <xs:import namespace="{faults}" schemaLocation={faults_location}/>
    </xs:schema>
  </wsdl:types>
{messages}
  <wsdl:message name="SystemFault">
    <wsdl:part name="fault" element="fault:SystemFault"/>
  </wsdl:message>
  <wsdl:message name="ValidationFault">
    <wsdl:part name="fault" element="fault:ValidationFault"/>
  </wsdl:message>
  <wsdl:portType name="SMEVServiceAdapterPortType">
{port_ops}
  </wsdl:portType>
  <wsdl:binding name="SMEVServiceAdapterSoapBinding" type="tns:SMEVServiceAdapterPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
{binding_ops}
  </wsdl:binding>
  <wsdl:service name="SMEVServiceAdapterService">
    <wsdl:port name="SMEVServiceAdapterEndpoint" binding="tns:SMEVServiceAdapterSoapBinding">
      <soap:address location={address}/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"""


def compose(address: str, types_location: str, faults_location: str) -> str:
    """The WSDL text: the service at ``address``, the XSDs at the locations given."""
    messages = "\n".join(
        f'  <wsdl:message name="{op}Request"><wsdl:part name="parameters" '
        f'element="types:{inp}"/></wsdl:message>\n'
        f'  <wsdl:message name="{op}Response"><wsdl:part name="parameters" '
        f'element="types:{out}"/></wsdl:message>' for op, inp, out in OPERATIONS)
    faults = ('<wsdl:fault name="SystemFault" message="tns:SystemFault"/>'
              '<wsdl:fault name="ValidationFault" message="tns:ValidationFault"/>')
    port_ops = "\n".join(
        f'    <wsdl:operation name="{op}"><wsdl:input message="tns:{op}Request"/>'
        f'<wsdl:output message="tns:{op}Response"/>{faults}</wsdl:operation>'
        for op, _, _ in OPERATIONS)
    binding_faults = "".join(
        f'<wsdl:fault name="{f}"><soap:fault name="{f}" use="literal"/></wsdl:fault>'
        for f in ("SystemFault", "ValidationFault"))
    binding_ops = "\n".join(
        f'    <wsdl:operation name="{op}"><soap:operation soapAction="urn:{op}"/>'
        '<wsdl:input><soap:body use="literal"/></wsdl:input>'
        f'<wsdl:output><soap:body use="literal"/></wsdl:output>{binding_faults}'
        '</wsdl:operation>' for op, _, _ in OPERATIONS)
    return _TEMPLATE.format(
        service=SERVICE_NS, types=TYPES_NS, faults=FAULTS_NS,
        types_location=quoteattr(types_location), faults_location=quoteattr(faults_location),
        messages=messages, port_ops=port_ops, binding_ops=binding_ops,
        address=quoteattr(address))
