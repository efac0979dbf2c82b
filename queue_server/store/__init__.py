"""Every SQL statement of the hall: tickets and the event log, cases, ratings, staff.

Only this package talks to SQLite; it knows the rules' types and nothing of HTTP.
"""
