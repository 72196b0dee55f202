"""Shared fixtures: the repository's border policy, its examples, and the `asylon`
command to compare with (``ASYLON_BIN``, else the repository's built binary)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import asylon

ROOT = Path(__file__).resolve().parents[3]
POLICY = ROOT / "policies" / "us-mexico-border"
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
AS_OF = "2024-06-17"


def _binary() -> Path:
    if os.environ.get("ASYLON_BIN"):
        return Path(os.environ["ASYLON_BIN"])
    for profile in ("debug", "release"):
        candidate = ROOT / "target" / profile / "asylon"
        if candidate.exists():
            return candidate
    subprocess.run(["cargo", "build", "--quiet", "--bin", "asylon"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "asylon"


@pytest.fixture(scope="session")
def cli():
    """Runs `asylon ARGS…` with `stdin`; returns (exit code, parsed stdout JSON)."""
    binary = _binary()

    def run(*args: str, stdin: str = ""):
        done = subprocess.run(
            [str(binary), *args], input=stdin, capture_output=True, text=True, cwd=ROOT
        )
        return done.returncode, json.loads(done.stdout)

    return run


@pytest.fixture(scope="session")
def policy() -> asylon.Policy:
    return asylon.Policy.load(POLICY)
