"""A small real IMAP4rev1 server (asyncio, in a thread) for tests of mailbox polling.

Dict-backed: users and folders of messages, each with a UID and flags. It speaks the
commands a client needs to poll a mailbox (CAPABILITY, LOGIN, SELECT/EXAMINE, UID
SEARCH/FETCH/STORE/COPY, EXPUNGE, NOOP, LOGOUT) over a real TCP socket, so the
production code runs Python's imaplib unchanged against it. Not a general server:
no literals from clients, no sequence-number commands, no TLS.
"""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass, field
from typing import Any

TOKEN_RE = re.compile(r'"((?:[^"\\]|\\.)*)"|(\([^)]*\))|(\S+)')


@dataclass
class StoredMessage:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class Folder:
    uid_validity: int = 1
    uid_next: int = 1
    messages: list[StoredMessage] = field(default_factory=list)

    def add(self, raw: bytes, flags: set[str] | None = None) -> StoredMessage:
        message = StoredMessage(self.uid_next, raw, set(flags or ()))
        self.uid_next += 1
        self.messages.append(message)
        return message


def _args(line: str) -> list[str]:
    out = []
    for quoted, paren, bare in TOKEN_RE.findall(line):
        out.append(paren or bare or re.sub(r"\\(.)", r"\1", quoted))
    return out


def _uids(spec: str, highest: int) -> set[int]:
    wanted: set[int] = set()
    for part in spec.split(","):
        low, _, high = part.partition(":")
        start = highest if low == "*" else int(low)
        end = start if not high else (highest if high == "*" else int(high))
        wanted.update(range(min(start, end), max(start, end) + 1))
    return wanted


class ImapServer:
    """Start with `start()`; `url` parts are `host`/`port`; `stop()` when done."""

    def __init__(self, users: dict[str, str]) -> None:
        self.users = dict(users)
        self.folders: dict[str, dict[str, Folder]] = {u: {"INBOX": Folder()} for u in users}
        self.host = "127.0.0.1"
        self.port = 0
        self.logins = 0
        self.commands: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._ready = threading.Event()

    # -- test helpers ---------------------------------------------------------
    def deliver(self, user: str, raw: bytes, folder: str = "INBOX") -> StoredMessage:
        return self.folders[user].setdefault(folder, Folder()).add(raw)

    def folder(self, user: str, name: str = "INBOX") -> Folder:
        return self.folders[user].setdefault(name, Folder())

    def start(self) -> ImapServer:
        threading.Thread(target=self._run, daemon=True).start()
        if not self._ready.wait(10):
            raise RuntimeError("the IMAP test server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
            self._loop.call_soon_threadsafe(self._loop.stop)

    # -- the server -----------------------------------------------------------
    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._server = self._loop.run_until_complete(asyncio.start_server(self._session, self.host, 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state: dict[str, Any] = {"user": None, "folder": None}
        writer.write(b"* OK [CAPABILITY IMAP4rev1] Frontline test IMAP ready\r\n")
        try:
            while line := await reader.readline():
                text = line.decode("utf-8", "replace").rstrip("\r\n")
                self.commands.append(text)
                tag, _, rest = text.partition(" ")
                command, _, args = rest.partition(" ")
                try:
                    done = self._handle(writer, tag, command.upper(), args, state)
                except (ValueError, KeyError, IndexError) as exc:
                    writer.write(f"{tag} BAD {exc}\r\n".encode())
                    done = False
                await writer.drain()
                if done:
                    break
        finally:
            writer.close()

    def _handle(
        self, w: asyncio.StreamWriter, tag: str, command: str, args: str, state: dict[str, Any]
    ) -> bool:
        if command == "CAPABILITY":
            w.write(f"* CAPABILITY IMAP4rev1 UIDPLUS\r\n{tag} OK CAPABILITY completed\r\n".encode())
        elif command == "NOOP":
            w.write(f"{tag} OK NOOP completed\r\n".encode())
        elif command == "LOGOUT":
            w.write(f"* BYE logging out\r\n{tag} OK LOGOUT completed\r\n".encode())
            return True
        elif command == "LOGIN":
            user, password = _args(args)[:2]
            if self.users.get(user) != password:
                w.write(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n".encode())
            else:
                self.logins += 1
                state["user"] = user
                w.write(f"{tag} OK LOGIN completed\r\n".encode())
        elif state["user"] is None:
            w.write(f"{tag} BAD log in first\r\n".encode())
        elif command in ("SELECT", "EXAMINE"):
            name = _args(args)[0]
            folder = self.folders[state["user"]].get(name)
            if folder is None:
                w.write(f"{tag} NO [NONEXISTENT] no such mailbox\r\n".encode())
                return False
            state["folder"] = folder
            w.write(
                f"* {len(folder.messages)} EXISTS\r\n* 0 RECENT\r\n"
                f"* OK [UIDVALIDITY {folder.uid_validity}] UIDs valid\r\n"
                f"* OK [UIDNEXT {folder.uid_next}] next UID\r\n"
                f"* FLAGS (\\Seen \\Deleted)\r\n{tag} OK [READ-WRITE] {command} completed\r\n".encode()
            )
        elif command == "EXPUNGE":
            folder = state["folder"]
            for seq in reversed(range(len(folder.messages))):
                if "\\Deleted" in folder.messages[seq].flags:
                    del folder.messages[seq]
                    w.write(f"* {seq + 1} EXPUNGE\r\n".encode())
            w.write(f"{tag} OK EXPUNGE completed\r\n".encode())
        elif command == "UID":
            self._uid(w, tag, args, state["folder"], state["user"])
        else:
            w.write(f"{tag} BAD unknown command {command}\r\n".encode())
        return False

    def _uid(self, w: asyncio.StreamWriter, tag: str, args: str, folder: Folder | None, user: str) -> None:
        if folder is None:
            w.write(f"{tag} BAD select a mailbox first\r\n".encode())
            return
        sub, _, rest = args.partition(" ")
        sub = sub.upper()
        parts = _args(rest)
        highest = folder.messages[-1].uid if folder.messages else 0
        if sub == "SEARCH":
            spec = parts[1] if parts and parts[0].upper() == "UID" else "1:*"
            # RFC 3501: "n:*" always includes the highest UID, even when n is larger.
            found = [m.uid for m in folder.messages if m.uid in _uids(spec, highest)]
            w.write(f"* SEARCH {' '.join(map(str, found))}\r\n{tag} OK SEARCH completed\r\n".encode())
            return
        wanted = _uids(parts[0], highest)
        hits = [(seq + 1, m) for seq, m in enumerate(folder.messages) if m.uid in wanted]
        if sub == "FETCH":
            peek = "PEEK" in parts[1].upper()
            for seq, m in hits:
                w.write(f"* {seq} FETCH (UID {m.uid} BODY[] {{{len(m.raw)}}}\r\n".encode() + m.raw + b")\r\n")
                if not peek:
                    m.flags.add("\\Seen")
        elif sub == "STORE":
            flags = set(parts[2].strip("()").split())
            for seq, m in hits:
                if parts[1].upper().startswith("-"):
                    m.flags -= flags
                else:
                    m.flags |= flags
                w.write(f"* {seq} FETCH (UID {m.uid} FLAGS ({' '.join(sorted(m.flags))}))\r\n".encode())
        elif sub == "COPY":
            target = self.folders[user].get(parts[1])
            if target is None:
                w.write(f"{tag} NO [TRYCREATE] no such mailbox\r\n".encode())
                return
            for _, m in hits:
                target.add(m.raw)
        else:
            w.write(f"{tag} BAD unknown UID command\r\n".encode())
            return
        w.write(f"{tag} OK UID {sub} completed\r\n".encode())
