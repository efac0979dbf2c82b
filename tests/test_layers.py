"""The house rule of queue_server/, checked on every module's imports.

rules/ imports nothing of the store, the services or HTTP; store/ imports the rules' types
only; the service layer (the modules at the top of queue_server/) never imports HTTP; the
clients and the ground floor never import the server; nothing imports the command line
package above them all.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, as dotted names (relative imports made absolute)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


SERVICES = [
    p for p in _modules("queue_server") if p.parent == ROOT / "queue_server" and p.name != "cli.py"
]

# (files, what they must never import, why)
RULES = [
    (
        _modules("queue_server/rules"),
        (
            "queue_server.store",
            "queue_server.http",
            "queue_server.service",
            "aiohttp",
            "asyncio",
            "sqlite3",
            "sqlite_utils",
        ),
        "the rules are pure: no storage, no HTTP, no I/O",
    ),
    (
        _modules("queue_server/store"),
        (
            "queue_server.http",
            "queue_server.service",
            "queue_server.intake",
            "queue_server.ratings",
            "queue_server.sessions",
            "queue_server.auth",
            "queue_server.uplink",
            "aiohttp",
        ),
        "the store knows the rules' types and nothing above it",
    ),
    (SERVICES, ("queue_server.http", "aiohttp.web_urldispatcher"), "services never speak HTTP"),
    (
        [
            *_modules("onewindow"),
            *_modules("intake_tui"),
            *_modules("display"),
            *_modules("ticket_printer"),
        ],
        ("queue_server", "central", "onewindow_cli"),
        "the ground floor and the clients talk to the server over the network only",
    ),
    (
        [*_modules("queue_server"), *_modules("central")],
        ("onewindow_cli",),
        "the command line stands above everything",
    ),
]


@pytest.mark.parametrize(("files", "never", "why"), RULES, ids=[r[2] for r in RULES])
def test_no_import_breaks_the_house_rule(
    files: list[Path], never: tuple[str, ...], why: str
) -> None:
    assert files, "the rule must check some files"
    broken = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in sorted(_imports(path))
        if _under(name, *never)
    ]
    assert not broken, f"{why}:\n" + "\n".join(broken)
