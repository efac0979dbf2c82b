"""Messages any screen may post up to the app (the app owns sign-in and the link)."""

from __future__ import annotations

from textual.message import Message

from onewindow import protocol as p


class SignedIn(Message):
    """The login screen got a session: the app starts the live link and the mode."""

    def __init__(self, session: p.LoginResponse) -> None:
        super().__init__()
        self.session = session


class SignOutRequested(Message):
    """The clerk asked to sign out (the window closes on the server)."""


class SessionLost(Message):
    """The server refused our token: back to the login screen with a reason."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class LanguageToggled(Message):
    """Switch between 简体中文 and English everywhere."""


class ViewToggled(Message):
    """A supervisor signed in at a window switches between that window and the hall."""


class HallEventArrived(Message):
    """A case or rating event (or a fresh snapshot) from the stream, for screens that
    list cases and ratings: the mirror keeps tickets and windows only."""

    def __init__(self, event: p.StreamMessage) -> None:
        super().__init__()
        self.event = event
