"""The base class of errors that reach the user.

Anything raised as a `QagraphError` carries a one-line, user-facing message: the command
line prints it without a traceback, so the message has to say what went wrong and, where
possible, what to do about it. Programming errors keep using the built-in exceptions.
"""

from __future__ import annotations


class QagraphError(Exception):
    """A failure the user can act on; `str(error)` is a one-line message for them."""
