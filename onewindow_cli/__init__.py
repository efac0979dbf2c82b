"""The `onewindow` command and what it runs above the hall: the demo and the simulator."""
