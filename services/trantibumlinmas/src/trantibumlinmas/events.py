"""What trantibumlinmas hears from other services, beyond the registry's news (the kit follows that itself).

A handler is `Consumer("<handler>", "<subject>", handle)`, its subject also listed under `consumes` in
catalog.toml. Events trantibumlinmas produces go through the outbox (`puja_kit.outbox.writer.add_event`), their
payloads declared in the kit's `puja_kit/events/catalog.py`.
"""

from puja_kit.events.consumer import Consumer

CONSUMERS: list[Consumer] = []
