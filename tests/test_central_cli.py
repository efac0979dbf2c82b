"""`onewindow central serve --config district.toml` runs the centre."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.hallserver import ROOT, free_port, onewindow


def test_central_serve_answers_on_its_port(tmp_path: Path, pg_dsn: str) -> None:
    port = free_port()
    config = tmp_path / "district.toml"
    config.write_text(
        f"[centre]\nport = {port}\ndatabase = {json.dumps(pg_dsn)}\n"
        '[[halls]]\ncode = "HZ"\nname_zh = "海珠"\ntoken = "hall-hz-uplink-token-0001"\n',
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "onewindow_cli.cli", "central", "serve", "--config", str(config)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/openapi.json") as r:
                    assert "/api/halls" in json.load(r)["paths"]
                    break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None and time.monotonic() < deadline, "centre did not start"
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(10)


def test_central_serve_refuses_a_bad_config_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "district.toml"
    config.write_text(
        '[centre]\nport = -1\n[[halls]]\ncode = "HZ"\nname_zh = "海珠"\n'
        'token = "hall-hz-uplink-token-0001"\n',
        encoding="utf-8",
    )
    result = onewindow("central", "serve", "--config", str(config), check=False)
    assert result.returncode == 2 and "centre.port" in result.stderr
