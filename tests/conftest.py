"""Shared fixtures: small synthetic drops, generated once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from synthetic import generate_drop

SMALL_PEOPLE = 300


@pytest.fixture(scope="session")
def small_drop_root(tmp_path_factory) -> Path:
    """A data directory with one small complete drop, 2024-12. Treat as read-only."""
    root = tmp_path_factory.mktemp("small_drop")
    generate_drop(root, "2024-12", people=SMALL_PEOPLE, seed=7)
    return root


@pytest.fixture
def drop_copy(small_drop_root, tmp_path) -> Path:
    """A private copy of the small drop that a test may corrupt."""
    root = tmp_path / "data"
    shutil.copytree(small_drop_root, root)
    return root
