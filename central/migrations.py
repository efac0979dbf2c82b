"""Numbered PostgreSQL migrations of the district centre.

`central_schema` records each migration applied. A migration is only ever added, never
edited once released. Migrating takes an advisory lock, so two centres starting at once
on one database apply each step once.
"""

from __future__ import annotations

from psycopg import AsyncConnection

from central import report_rows

_LOCK = 0x0E1D_0001  # any constant of our own: the advisory lock "migrating the centre"

_M1_STREAMS = """
CREATE TABLE halls (
    code text PRIMARY KEY,
    name_zh text NOT NULL,
    name_en text NOT NULL,
    level text NOT NULL,
    acked_seq bigint NOT NULL DEFAULT 0,   -- every event 1..acked_seq is held
    head_seq bigint NOT NULL DEFAULT 0,    -- the hall's last seq, as it last said
    last_event_at timestamptz,
    last_contact_at timestamptz
);
-- Each hall's event log, exactly once by (hall, seq). Bodies are the hall's own event
-- shapes re-encoded by the centre: nothing outside them is kept.
CREATE TABLE events (
    hall text NOT NULL REFERENCES halls (code),
    seq bigint NOT NULL,
    type text NOT NULL,
    at timestamptz NOT NULL,
    body jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (hall, seq)
);
"""

_M2_LIVE = """
CREATE TABLE hall_tickets (
    hall text NOT NULL REFERENCES halls (code),
    id text NOT NULL,
    number text NOT NULL,
    service text NOT NULL,
    kind text NOT NULL,
    state text NOT NULL,
    "window" integer,
    issued_at timestamptz NOT NULL,
    business_day date NOT NULL,
    called_at timestamptz,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (hall, id)
);
CREATE INDEX hall_tickets_open ON hall_tickets (hall, state)
    WHERE state IN ('waiting', 'called', 'serving');
CREATE INDEX hall_tickets_day ON hall_tickets (business_day, hall);
CREATE TABLE hall_windows (
    hall text NOT NULL REFERENCES halls (code),
    number integer NOT NULL,
    state text NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (hall, number)
);
CREATE TABLE hall_cases (
    hall text NOT NULL REFERENCES halls (code),
    case_id text NOT NULL,
    case_no text,
    item text NOT NULL,
    service text NOT NULL,
    state text NOT NULL,
    "window" integer,
    deadline date,
    accepted_at timestamptz,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (hall, case_id)
);
CREATE INDEX hall_cases_case_no ON hall_cases (case_no);
CREATE INDEX hall_cases_accepted ON hall_cases (accepted_at, hall);
"""

# The hall report's rows, for the district reports (central/report_rows.py).
_M3_REPORT_ROWS = report_rows.MIGRATION

# The live monitor warns of cases near or past their deadline in any hall. The hall's own
# warning (case.warning, case.overdue) counts its holidays, which the centre does not know,
# so the last word of the hall is kept beside the deadline; a new acceptance clears it.
_M4_CASE_ALERTS = """
ALTER TABLE hall_cases ADD COLUMN alert text;          -- 'warning' | 'overdue' | NULL
ALTER TABLE hall_cases ADD COLUMN alert_at timestamptz;
CREATE INDEX hall_cases_open_deadline ON hall_cases (deadline)
    WHERE state = 'accepted' AND deadline IS NOT NULL;
"""

# Every case of the district by its number, for the progress query and the deadlines.
# `proof` is the halls' keyed digest of the number and the phone's last 4 digits
# (onewindow/case_numbers.py): the centre can check one, never recover the digits.
_M5_CASES = """
CREATE TABLE cases (
    hall text NOT NULL REFERENCES halls (code),
    case_no text NOT NULL,
    case_id text NOT NULL,
    item text NOT NULL,
    state text NOT NULL,
    accepted_at timestamptz,
    deadline date,
    finished_at timestamptz,
    missing text[] NOT NULL DEFAULT '{}',
    proof text,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (hall, case_no)
);
CREATE INDEX cases_case_no ON cases (case_no);
CREATE INDEX cases_open_deadline ON cases (deadline) WHERE finished_at IS NULL;
"""

# One table of cases, not two: `hall_cases` (by the hall's case id, for the monitor) takes
# over what `cases` held for the progress query, so one upsert keeps both answers agreeing.
_M6_ONE_CASE_TABLE = """
ALTER TABLE hall_cases ADD COLUMN finished_at timestamptz;
ALTER TABLE hall_cases ADD COLUMN missing text[] NOT NULL DEFAULT '{}';
ALTER TABLE hall_cases ADD COLUMN proof text;
UPDATE hall_cases h SET finished_at = c.finished_at, missing = c.missing, proof = c.proof,
    case_no = coalesce(h.case_no, c.case_no)
FROM cases c WHERE c.hall = h.hall AND c.case_id = h.case_id;
DROP TABLE cases;
"""

MIGRATIONS: list[str] = [
    _M1_STREAMS,
    _M2_LIVE,
    _M3_REPORT_ROWS,
    _M4_CASE_ALERTS,
    _M5_CASES,
    _M6_ONE_CASE_TABLE,
]


async def migrate(conn: AsyncConnection) -> int:
    """Apply the migrations the database has not seen; returns the schema version."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS central_schema "
            "(number integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cur = await conn.execute("SELECT coalesce(max(number), 0) FROM central_schema")
        row = await cur.fetchone()
        version = int(row[0]) if row else 0
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            await conn.execute(step)
            await conn.execute("INSERT INTO central_schema (number) VALUES (%s)", (number,))
    return len(MIGRATIONS)
