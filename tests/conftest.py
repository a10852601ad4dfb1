"""End-to-end fixtures: the whole platform as `make run` starts it, on free ports, through Traefik."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from puja_kit.catalog import load_catalog
from puja_kit.stack import LocalStack, StackPorts


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    catalog = load_catalog()
    stack = LocalStack(tmp_path_factory.mktemp("platform"), StackPorts.free(catalog), fast_unsafe=True)
    try:
        stack.start()
        stack.seed_demo()
        yield stack
    finally:
        stack.stop()
