"""`make ui` serves the Dagster UI on the loopback address only."""

from __future__ import annotations

import os
import socket
import time

import pytest
from servers import free_port, server

from xjs.layout import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ui")]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses listening on `port`, from the kernel's socket tables (Linux)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        with open(table) as handle:
            next(handle)
            for line in handle:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                    raw = bytes.fromhex(address)
                    # the kernel writes each 32-bit word little-endian
                    words = [raw[i : i + 4][::-1] for i in range(0, len(raw), 4)]
                    packed = b"".join(words)
                    family = socket.AF_INET if width == 8 else socket.AF_INET6
                    found.add(socket.inet_ntop(family, packed))
    return found


def test_make_ui_binds_to_localhost_only(tmp_path):
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "XJS_DATA_DIR": str(tmp_path / "data")}
    env.pop("MAKEFLAGS", None)
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    make_ui = ["make", "--no-print-directory", "ui", f"UI_PORT={port}", f"DAGSTER_HOME={tmp_path}"]
    with server(make_ui, REPO_ROOT, env) as process:
        deadline = time.monotonic() + 180
        addresses: set[str] = set()
        while time.monotonic() < deadline and not addresses:
            assert process.poll() is None, "make ui exited early"
            time.sleep(1)
            addresses = _listening_addresses(port)
        assert addresses == {"127.0.0.1"}
