"""A TCP proxy between the bot and PostgreSQL that a test can cut, as a failing network would.

`cut()` drops every open connection and refuses new ones until `restore()`; `silence()` keeps
every connection open and accepts new ones, but passes nothing on, either way (a firewall that
drops packets instead of refusing them: the bot's reads just wait);
`cut_at_commit()` lets everything through until the bot sends COMMIT, and drops the
connection instead of passing it on: the database never sees the commit.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class Proxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._open = True
        self._at_commit = False
        self._silent = False
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    # --- control -------------------------------------------------------------------------

    def cut(self) -> None:
        with self._lock:
            self._open = False
            self._drop_all()

    def silence(self) -> None:
        with self._lock:
            self._silent = True

    def restore(self) -> None:
        with self._lock:
            self._open, self._at_commit, self._silent = True, False, False

    def cut_at_commit(self) -> None:
        with self._lock:
            self._at_commit = True

    def close(self) -> None:
        self._closed = True
        with self._lock:
            self._drop_all()
        self.listener.close()

    # --- forwarding ----------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                refuse, silent = not self._open, self._silent
            if refuse:
                client.close()
                continue
            if silent:  # accepted, and never answered
                with self._lock:
                    self._connections.add(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_bot: bool) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if data and from_bot and b"COMMIT" in data:
                with self._lock:
                    drop = self._at_commit
                    self._at_commit = False
                if drop:
                    data = b""  # the connection dies with the COMMIT unsent
            if not data:
                self._drop(source, sink)
                return
            if self._silent:
                continue  # swallowed
            try:
                sink.sendall(data)
            except OSError:
                self._drop(source, sink)
                return

    def _drop(self, *sockets: socket.socket) -> None:
        with self._lock:
            for sock in sockets:
                self._connections.discard(sock)
                _close(sock)

    def _drop_all(self) -> None:
        for sock in self._connections:
            _close(sock)
        self._connections.clear()


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
