"""Connection tokens in the socket URL never reach the gateway's log."""

from __future__ import annotations

import logging

from realtime.__main__ import RedactTokens


def test_token_in_the_logged_path_is_redacted():
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", "/ws?token=abc.def-ghi&topics=inbox"),
        None,
    )
    assert RedactTokens().filter(record)
    message = record.getMessage()
    assert "abc.def-ghi" not in message
    assert "token=[redacted]&topics=inbox" in message
