"""An HTTP server run on a daemon thread: the simulators' and the SOAP services' serving loop."""

from __future__ import annotations

import socketserver
import threading


class BackgroundServer:
    """Serves a bound stdlib server (``http.server`` or ``wsgiref``) on a daemon thread.

    Binding happens when ``httpd`` is made, so a busy port fails in the caller's constructor
    (where a component turns it into a "down" health) rather than on the thread.
    """

    def __init__(self, httpd: socketserver.TCPServer, name: str) -> None:
        self.httpd = httpd
        self.port = int(httpd.server_address[1])
        self._thread = threading.Thread(target=httpd.serve_forever, name=name, daemon=True)

    def start(self) -> None:
        """Serve in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)
