from puja_kit.events.catalog import CATALOG, EventSpec, payload_model
from puja_kit.events.envelope import Event, make_event

__all__ = ["CATALOG", "Event", "EventSpec", "make_event", "payload_model"]
