#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# tests/unit/http/server.py - a scriptable HTTP/1.1 server on 127.0.0.1
# for the http unit tests. Prints "<port> <pid>" on stdout once listening.
# With --tls CERT KEY it speaks HTTPS.
#
#   /status/<code>        that status, body "status <code>"
#   /headers              repeated and oddly-cased headers
#   /echo                 JSON: method, path, query, headers, body length,
#                         body sha256, client port (chunked bodies decoded)
#   /big/<n>              n bytes of 'x'
#   /truncated            Content-Length 1000, 10 bytes, then close
#   /reset                close the socket with RST before answering
#   /garbage              a response that is not HTTP
#   /slow/<ms>            answer after a delay
#   /redirect?to=<url>&code=<n>  a redirect (default 302)
import hashlib
import json
import socket
import struct
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body.encode() if isinstance(body, str) else body
        if status in (204, 304):
            data = b""
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD" and data:
            self.wfile.write(data)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b""):
                        pass
                    return out, True
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return (self.rfile.read(n) if n else b""), False

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        query = urllib.parse.parse_qs(url.query)
        body, chunked = self.read_body()
        if parts[0] == "status":
            code = int(parts[1])
            self.reply(code, "status %d" % code)
        elif parts[0] == "headers":
            self.reply(200, "ok", [("X-Multi", "one"), ("x-multi", "two"),
                                   ("X-CASE", "  padded value  "),
                                   ("Location", "/v2/uploads/abc?x=1")])
        elif parts[0] == "echo":
            info = {
                "method": self.command, "path": url.path,
                "query": url.query,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_len": len(body), "chunked": chunked,
                "body_sha256": hashlib.sha256(body).hexdigest(),
                "client_port": self.client_address[1]}
            self.reply(200, json.dumps(info),
                       [("Content-Type", "application/json")])
        elif parts[0] == "big":
            self.reply(200, b"x" * int(parts[1]))
        elif parts[0] == "truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif parts[0] == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif parts[0] == "garbage":
            self.wfile.write(b"this is not http\r\n\r\n")
            self.wfile.flush()
            self.close_connection = True
        elif parts[0] == "slow":
            time.sleep(int(parts[1]) / 1000.0)
            self.reply(200, "slow")
        elif parts[0] == "redirect":
            code = int(query.get("code", ["302"])[0])
            self.reply(code, "", [("Location", query["to"][0])])
        else:
            self.reply(404, "not found")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # resets and aborted transfers are what the tests are about


def main():
    server = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    import os
    sys.stdout.write("%d %d\n" % (server.server_address[1], os.getpid()))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
