"""slack_sdk's WebClient over kept-alive HTTP connections.

slack_sdk's sync client opens every call with `urllib.request.urlopen`, which sends `Connection:
close`: each call pays a new TCP (and TLS) connection, about a sixth of a submission's CPU with
its three calls. This client replaces only the one method that opens the connection and reads the
answer (`_perform_urllib_http_request_internal`); slack_sdk's request building, retry handlers
(dropped connections, 5xx, 429 with Retry-After), timeouts and response parsing are its own.

Each thread keeps one connection per host (`http.client`, HTTP/1.1), reused while the server
keeps it open. A connection the server has closed while idle is noticed before reuse (readable
when idle means closed, as urllib3 checks) and replaced; errors are raised as urlopen raises them
(`URLError` while sending, the connection's own error while reading, `HTTPError` for a status
outside 2xx), so the retry handlers and the ledger's lookup-before-repost see the same failures.
A proxy falls back to slack_sdk's own path.
"""

from __future__ import annotations

import http.client
import io
import os
import select
import threading
import time
import urllib.error
from typing import Any
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient

IDLE = 30.0  # seconds a connection may sit unused before it is replaced rather than risk the server's close


class KeepAliveWebClient(WebClient):
    """A WebClient whose calls reuse this thread's connection to the Web API."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._local = threading.local()

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        parts = urlsplit(url)
        if self.proxy is not None or parts.scheme not in ("http", "https"):
            return super()._perform_urllib_http_request_internal(url, req)
        connection = self._connection(parts.scheme, parts.netloc)
        selector = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            try:
                connection.request(req.get_method(), selector, req.data, dict(req.header_items()))
            except OSError as exc:  # as urlopen: a failure to connect or send is a URLError
                raise urllib.error.URLError(exc) from exc
            response = connection.getresponse()
            body = response.read()
        except BaseException:
            self._forget(parts.scheme, parts.netloc)
            raise
        self._local.used[(parts.scheme, parts.netloc)] = time.monotonic()
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(url, response.status, response.reason, response.headers, io.BytesIO(body))
        if response.headers.get_content_type() == "application/gzip":  # admin.analytics.getFile
            return {"status": response.status, "headers": response.headers, "body": body}
        charset = response.headers.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": response.headers, "body": body.decode(charset)}

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # a forked child never shares its parent's sockets
            local.pid, local.connections, local.used = os.getpid(), {}, {}
        key = (scheme, netloc)
        connection = local.connections.get(key)
        if connection is not None and (time.monotonic() - local.used.get(key, 0.0) > IDLE or _closed(connection)):
            self._forget(scheme, netloc)
            connection = None
        if connection is None:
            if scheme == "https":
                connection = http.client.HTTPSConnection(netloc, timeout=self.timeout, context=self.ssl)
            else:
                connection = http.client.HTTPConnection(netloc, timeout=self.timeout)
            local.connections[key] = connection
        return connection

    def _forget(self, scheme: str, netloc: str) -> None:
        connection = self._local.connections.pop((scheme, netloc), None)
        if connection is not None:
            connection.close()


def _closed(connection: http.client.HTTPConnection) -> bool:
    """An idle connection with something to read has been closed by the server (or is out of step)."""
    sock = connection.sock
    if sock is None:
        return False  # not connected (or closed after a `Connection: close` answer): connects on request
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))

