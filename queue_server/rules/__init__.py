"""The hall's rules, pure: no I/O, no asyncio, `now` passed in.

`hall` is the queue's state machine (commands in, events out), beside the state types
(`state`), the commands, the events and the waiting lines; `cases` holds the case rules.
Every name of the queue rules is importable from the package itself, as before.
"""

from queue_server.rules.hall import *  # noqa: F403 (the rules are one import for their callers)
