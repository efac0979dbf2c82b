"""The clerk terminal's screens: sign-in, one per mode, and small dialogs."""
