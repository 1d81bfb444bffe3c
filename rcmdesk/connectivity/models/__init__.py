"""The connectivity app's models, one module per concern so each has one owner:
connections and their secrets, transfers (outbound queue, inbound mailbox files), real-time
inquiries."""

from rcmdesk.connectivity.models.connections import (
    Completion,
    Connection,
    ConnectionKind,
    Credential,
    CredentialKind,
    RemoteAfter,
)
from rcmdesk.connectivity.models.realtime import InquiryState, RealtimeInquiry
from rcmdesk.connectivity.models.transfers import (
    InboundFile,
    InboundState,
    Transmission,
    TransmissionState,
)

__all__ = [
    "Completion", "Connection", "ConnectionKind", "Credential", "CredentialKind",
    "InboundFile", "InboundState", "InquiryState", "RealtimeInquiry", "RemoteAfter",
    "Transmission", "TransmissionState",
]
