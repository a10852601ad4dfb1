"""Which failures are an outage (retry later, the work itself is fine) and which are the work's own.

A consumer must not spend a message's deliveries while the database or the bus is away: the same
message applies once they are back. Everything else (a handler's bug, a payload it refuses, a broken
constraint) is the message's own failure and counts toward its dead letter.
"""

from __future__ import annotations

import socket

import nats.errors
import psycopg
import sqlalchemy.exc

from puja_kit.bus import BusUnavailable

_TRANSIENT: tuple[type[BaseException], ...] = (
    # The database: unreachable, restarting, shutting down, a dropped connection, a serialization
    # failure or a deadlock (psycopg's TransactionRollback is an OperationalError), a full pool.
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    # The bus.
    BusUnavailable,
    nats.errors.ConnectionClosedError,
    nats.errors.NoServersError,
    nats.errors.StaleConnectionError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.ConnectionDrainingError,
    nats.errors.TimeoutError,
    # The network underneath either.
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)


def is_transient(exc: BaseException) -> bool:
    """True when `exc`, or an error it was raised from or while handling, is an outage."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _TRANSIENT):
            return True
        if isinstance(current, sqlalchemy.exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, sqlalchemy.exc.DBAPIError) and isinstance(current.orig, _TRANSIENT):
            return True
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return False
