"""The bare baseline: aiohttp + SQLite, one durable insert per request, nothing else.

`python -m bench.baseline PORT DB` serves POST /api/tickets with the same request and a
similar answer as OneWindow, with the same durability (WAL, synchronous=FULL, one
commit before answering) and none of the hall's rules, auth or events.
"""

from __future__ import annotations

import sqlite3
import sys
import time

from aiohttp import web


def make_app(db_path: str) -> web.Application:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS tickets (seq INTEGER PRIMARY KEY, service TEXT, at REAL)"
    )

    async def issue(request: web.Request) -> web.Response:
        body = await request.json()
        cur = conn.execute(
            "INSERT INTO tickets (service, at) VALUES (?, ?)", (body["service"], time.time())
        )
        seq = cur.lastrowid
        return web.json_response({"number": f"{body['service']}{seq:03d}"}, status=201)

    async def probe(request: web.Request) -> web.Response:
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/api/tickets", issue)
    app.router.add_get("/api/openapi.json", probe)
    return app


if __name__ == "__main__":
    port, db = int(sys.argv[1]), sys.argv[2]
    web.run_app(make_app(db), host="127.0.0.1", port=port, access_log=None, print=None)
