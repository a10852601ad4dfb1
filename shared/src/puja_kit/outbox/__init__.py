from puja_kit.outbox.models import OutboxEvent
from puja_kit.outbox.relay import OutboxRelay
from puja_kit.outbox.writer import add_event

__all__ = ["OutboxEvent", "OutboxRelay", "add_event"]
