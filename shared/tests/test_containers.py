"""PUJA_TEST_INFRA picks where the test session's PostgreSQL and NATS come from, and says so when it can't."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from puja_kit.testing.containers import docker_problem, infra_mode

NO_DOCKER = "unix:///nonexistent/docker.sock"


def test_the_wheels_are_the_default_and_containers_are_asked_for_by_name() -> None:
    assert infra_mode({}) == "wheels"
    assert infra_mode({"PUJA_TEST_INFRA": ""}) == "wheels"
    assert infra_mode({"PUJA_TEST_INFRA": "wheels"}) == "wheels"
    assert infra_mode({"PUJA_TEST_INFRA": " Containers "}) == "containers"
    with pytest.raises(ValueError, match="tidak dikenal"):
        infra_mode({"PUJA_TEST_INFRA": "docker"})


def test_docker_problem_names_an_engine_that_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", NO_DOCKER)
    problem = docker_problem()
    assert problem is not None and problem.startswith("Docker tidak dapat dihubungi")


def test_containers_mode_without_docker_refuses_the_session_at_start(tmp_path: Path) -> None:
    (tmp_path / "test_contoh.py").write_text("def test_contoh():\n    pass\n", encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {**os.environ, "PUJA_TEST_INFRA": "containers", "DOCKER_HOST": NO_DOCKER}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "puja_kit.testing.plugin", "-p", "no:cacheprovider", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode not in (0, 5), output
    assert "PUJA_TEST_INFRA=containers: Docker tidak dapat dihubungi" in output
    assert "tanpa PUJA_TEST_INFRA" in output, "it says how to use the default"
    assert "passed" not in output and "skipped" not in output, "refused, not run and not skipped"
