"""The CloudEvents 1.0 envelope (JSON, structured mode) with a `tenant` extension and trace context."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from puja_kit.bus import producer_of
from puja_kit.db import new_id, utcnow
from puja_kit.events.catalog import CATALOG, Payload, payload_model

_FORMAT = JSONFormat()


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    source: str
    subject: str | None
    tenant: str | None
    time: datetime
    data: Payload

    def to_bytes(self) -> bytes:
        attributes: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "source": self.source,
            "specversion": "1.0",
            "time": self.time,
            "datacontenttype": "application/json",
            "dataversion": str(CATALOG[self.type].version),
        }
        if self.subject:
            attributes["subject"] = self.subject
        if self.tenant:
            attributes["tenant"] = self.tenant
        return _utf8(_FORMAT.write(CloudEvent(attributes, self.data.model_dump(mode="json"))))

    @classmethod
    def from_bytes(cls, raw: bytes) -> Event:
        ce = _FORMAT.read(None, raw)
        attributes = ce.get_attributes()
        event_type = ce.get_type()
        data = ce.get_data()
        time = ce.get_time() or utcnow()
        return cls(
            id=ce.get_id(),
            type=event_type,
            source=ce.get_source(),
            subject=ce.get_subject(),
            tenant=attributes.get("tenant"),
            time=time,
            data=payload_model(event_type).model_validate(data),
        )


def _utf8(document: bytes) -> bytes:
    """The library's JSON with text as UTF-8 instead of `\\uXXXX` escapes (a non-ASCII character then takes
    2-4 bytes, not 6-12). Readers lose nothing: JSON is UTF-8 and `from_bytes` decodes it as such. Text
    that UTF-8 cannot carry (a lone surrogate, which the kit's text markers refuse anyway) keeps the
    escapes."""
    try:
        return json.dumps(json.loads(document), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return document


def make_event(event_type: str, data: Payload, *, tenant: str | None, subject: str | None = None) -> Event:
    expected = payload_model(event_type)
    if not isinstance(data, expected):
        raise TypeError(f"{event_type} memerlukan payload {expected.__name__}")
    return Event(
        id=str(new_id()),
        type=event_type,
        source=f"/puja/{producer_of(event_type)}",
        subject=subject,
        tenant=tenant,
        time=utcnow(),
        data=data,
    )
