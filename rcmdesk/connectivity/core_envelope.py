"""The CAQH CORE real-time envelope, written and read, for both sides of an exchange.

Pure Python (no Django): our client (``connectivity.core``) and the simulator's endpoint
(``sim.core_http``) share it, so the two cannot drift apart. The fields are the CORE
metadata: PayloadType, ProcessingMode (RealTime), PayloadID (a UUID), TimeStamp,
SenderID, ReceiverID, CORERuleVersion, Payload, and on a reply ErrorCode/ErrorMessage.

- vC2.2.0: SOAP 1.2, the envelope in the body, a WS-Security UsernameToken (PasswordText)
  in the header; written with ``xml.etree``, read with ``defusedxml`` because a reply is
  untrusted input (no entity expansion, no external references).
- vC4.0.0: REST, the same fields as a JSON object POSTed with an OAuth 2.0 bearer token
  (client credentials) over a TLS connection that can present an X.509 client certificate.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # writing only: replies are read with defusedxml
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]

SOAP_NS = "http://www.w3.org/2003/05/soap-envelope"
CORE_NS = "http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd"
WSSE_NS = ("http://docs.oasis-open.org/wss/2004/01/"
           "oasis-200401-wss-wssecurity-secext-1.0.xsd")
PASSWORD_TEXT = ("http://docs.oasis-open.org/wss/2004/01/"
                 "oasis-200401-wss-username-token-profile-1.0#PasswordText")
SOAP_CONTENT_TYPE = "application/soap+xml; charset=utf-8"
REAL_TIME = "RealTime"
SUCCESS = "Success"
GUIDES = {"270": "005010X279A1", "271": "005010X279A1",
          "276": "005010X212", "277": "005010X212"}
ANSWERS = {"270": "271", "276": "277"}
FIELDS = ("PayloadType", "ProcessingMode", "PayloadID", "TimeStamp", "SenderID",
          "ReceiverID", "CORERuleVersion")

for prefix, uri in (("soapenv", SOAP_NS), ("cor", CORE_NS), ("wsse", WSSE_NS)):
    ET.register_namespace(prefix, uri)


class EnvelopeError(ValueError):
    """A message that is not a CORE envelope; the text says what is wrong, for a person."""


def payload_type(set_id: str) -> str:
    """``X12_270_Request_005010X279A1``, ``X12_271_Response_005010X279A1``..."""
    kind = "Request" if set_id in ANSWERS else "Response"
    return f"X12_{set_id}_{kind}_{GUIDES[set_id]}"


def timestamp(now: datetime) -> str:
    """CORE TimeStamp: UTC, XML Schema dateTime, to the second."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class CoreMessage:
    payload_type: str
    payload_id: str
    timestamp: str
    sender_id: str
    receiver_id: str
    payload: bytes
    rule_version: str = "2.2.0"
    processing_mode: str = REAL_TIME
    error_code: str = ""
    error_message: str = ""

    def fields(self) -> dict[str, str]:
        return dict(zip(FIELDS, (self.payload_type, self.processing_mode, self.payload_id,
                                 self.timestamp, self.sender_id, self.receiver_id,
                                 self.rule_version), strict=True))

    def answer(self, payload: bytes, now: datetime, *, error_code: str = SUCCESS,
               error_message: str = "None") -> CoreMessage:
        """The reply to this request: same PayloadID, parties swapped."""
        answered = payload_type(ANSWERS[self.set_id]) if self.set_id in ANSWERS else ""
        return replace(self, payload_type=answered, timestamp=timestamp(now),
                       sender_id=self.receiver_id, receiver_id=self.sender_id,
                       payload=payload, error_code=error_code, error_message=error_message)

    @property
    def set_id(self) -> str:
        parts = self.payload_type.split("_")
        return parts[1] if len(parts) > 1 else ""


# --- SOAP (vC2.2.0) --------------------------------------------------------------------


def soap(message: CoreMessage, *, username: str = "", password: str = "",
         response: bool = False) -> bytes:
    """A SOAP 1.2 envelope; the WS-Security header only when a username is given."""
    env = ET.Element(f"{{{SOAP_NS}}}Envelope")
    header = ET.SubElement(env, f"{{{SOAP_NS}}}Header")
    if username:
        security = ET.SubElement(header, f"{{{WSSE_NS}}}Security",
                                 {f"{{{SOAP_NS}}}mustUnderstand": "true"})
        token = ET.SubElement(security, f"{{{WSSE_NS}}}UsernameToken")
        ET.SubElement(token, f"{{{WSSE_NS}}}Username").text = username
        ET.SubElement(token, f"{{{WSSE_NS}}}Password", {"Type": PASSWORD_TEXT}).text = password
    body = ET.SubElement(env, f"{{{SOAP_NS}}}Body")
    name = "COREEnvelopeRealTimeResponse" if response else "COREEnvelopeRealTimeRequest"
    core = ET.SubElement(body, f"{{{CORE_NS}}}{name}")
    for field, value in message.fields().items():
        ET.SubElement(core, field).text = value
    ET.SubElement(core, "Payload").text = message.payload.decode("latin-1")
    if response:
        ET.SubElement(core, "ErrorCode").text = message.error_code or SUCCESS
        ET.SubElement(core, "ErrorMessage").text = message.error_message or "None"
    return bytes(ET.tostring(env, encoding="utf-8", xml_declaration=True))


@dataclass(frozen=True, slots=True)
class SoapRequest:
    message: CoreMessage
    username: str
    password: str


def read_soap(data: bytes) -> SoapRequest:
    """A SOAP request or reply as a CoreMessage with its UsernameToken (if any)."""
    try:
        root = SafeET.fromstring(data)
    except Exception as exc:  # defusedxml raises its own kinds besides ParseError
        raise EnvelopeError(f"the reply is not readable XML ({exc.__class__.__name__})") from exc
    body = root.find(f"{{{SOAP_NS}}}Body")
    if root.tag != f"{{{SOAP_NS}}}Envelope" or body is None:
        raise EnvelopeError("the reply is not a SOAP 1.2 envelope")
    fault = body.find(f"{{{SOAP_NS}}}Fault")
    if fault is not None:
        reason = "".join(fault.itertext()).strip()
        raise EnvelopeError(f"the endpoint answered with a SOAP fault: {reason[:300]}")
    core = next(iter(body), None)
    if core is None or not core.tag.startswith(f"{{{CORE_NS}}}COREEnvelopeRealTime"):
        raise EnvelopeError("the SOAP body holds no CORE real-time envelope")
    token = root.find(f".//{{{WSSE_NS}}}UsernameToken")
    return SoapRequest(_message({child.tag: child.text or "" for child in core}),
                       _text(token, f"{{{WSSE_NS}}}Username"),
                       _text(token, f"{{{WSSE_NS}}}Password"))


def _text(parent: Any, tag: str) -> str:
    found = parent.find(tag) if parent is not None else None
    return (found.text or "") if found is not None else ""


def soap_fault(reason: str) -> bytes:
    env = ET.Element(f"{{{SOAP_NS}}}Envelope")
    body = ET.SubElement(env, f"{{{SOAP_NS}}}Body")
    fault = ET.SubElement(body, f"{{{SOAP_NS}}}Fault")
    code = ET.SubElement(fault, f"{{{SOAP_NS}}}Code")
    ET.SubElement(code, f"{{{SOAP_NS}}}Value").text = "soapenv:Sender"
    text = ET.SubElement(ET.SubElement(fault, f"{{{SOAP_NS}}}Reason"), f"{{{SOAP_NS}}}Text")
    text.text = reason
    return bytes(ET.tostring(env, encoding="utf-8", xml_declaration=True))


# --- REST (vC4.0.0) --------------------------------------------------------------------


def rest(message: CoreMessage, *, response: bool = False) -> bytes:
    body: dict[str, str] = {**message.fields(), "Payload": message.payload.decode("latin-1")}
    if response:
        body["ErrorCode"] = message.error_code or SUCCESS
        body["ErrorMessage"] = message.error_message or "None"
    return json.dumps(body).encode()


def read_rest(data: bytes) -> CoreMessage:
    try:
        body = json.loads(data)
    except ValueError as exc:
        raise EnvelopeError("the reply is not JSON") from exc
    if not isinstance(body, dict):
        raise EnvelopeError("the reply is not a CORE envelope object")
    return _message({str(k): str(v) for k, v in body.items() if v is not None})


def _message(values: dict[str, str]) -> CoreMessage:
    if not values.get("PayloadType") or not values.get("PayloadID"):
        raise EnvelopeError("the CORE envelope has no PayloadType or PayloadID")
    return CoreMessage(
        payload_type=values["PayloadType"], payload_id=values["PayloadID"],
        timestamp=values.get("TimeStamp", ""), sender_id=values.get("SenderID", ""),
        receiver_id=values.get("ReceiverID", ""),
        payload=values.get("Payload", "").encode("latin-1"),
        rule_version=values.get("CORERuleVersion", ""),
        processing_mode=values.get("ProcessingMode", ""),
        error_code=values.get("ErrorCode", ""), error_message=values.get("ErrorMessage", ""))
