"""The whole-day hall simulator (`onewindow simulate`), see docs/simulator.md.

`model` (who comes, when, for what), `layout` (the windows staffed), `engine` (steps at
simulated instants, many in flight, replayed exactly), `desk`, `casework`, `visitors`,
`backoffice` (what each person does, through the public API only), `records` and
`figures` (the ground truth), `run` (a run day by day), `ownserver` (`--db` mode).
"""
