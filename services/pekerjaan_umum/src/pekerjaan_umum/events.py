"""What pekerjaan_umum hears from other services, beyond the registry's news (the kit follows that itself).

A handler is `Consumer("<handler>", "<subject>", handle)`, its subject also listed under `consumes` in
catalog.toml. Its reports' steps go out as `puja.pekerjaan_umum.aduan.status_changed` through the
outbox (`puja_kit.workflow.aduan` writes them).
"""

from puja_kit.events.consumer import Consumer

CONSUMERS: list[Consumer] = []
