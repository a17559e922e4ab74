#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# tests/unit/http/connect_proxy.py LOG - a tiny forward proxy on
# 127.0.0.1 for the proxy tests: CONNECT tunnels (https through a proxy)
# and absolute-URI requests (plain http through a proxy). It appends one
# line per request to LOG ("CONNECT host:port" or "GET http://...") and
# prints "<port> <pid>" once listening. Only loopback targets are served.
import os
import select
import socket
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = sys.argv[1]
lock = threading.Lock()


def record(line):
    with lock, open(LOG, "a") as f:
        f.write(line + "\n")


def loopback(host):
    try:
        return socket.gethostbyname(host).startswith("127.")
    except OSError:
        return False


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_CONNECT(self):
        record("CONNECT %s" % self.path)
        host, _, port = self.path.rpartition(":")
        if not loopback(host):
            self.send_error(403)
            return
        try:
            up = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.send_error(502)
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        conns = [self.connection, up]
        try:
            while True:
                r, _, _ = select.select(conns, [], [], 30)
                if not r:
                    break
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        return
                    (up if s is self.connection else self.connection).sendall(data)
        finally:
            up.close()
            self.close_connection = True

    def forward(self):
        record("%s %s" % (self.command, self.path))
        u = urllib.parse.urlsplit(self.path)
        if u.scheme != "http" or not loopback(u.hostname or ""):
            self.send_error(403)
            return
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        import http.client
        c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() not in ("proxy-connection", "connection")}
        c.request(self.command, urllib.parse.urlunsplit(
            ("", "", u.path or "/", u.query, "")), body=body, headers=hdrs)
        r = c.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection",
                                 "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    print("%d %d" % (srv.server_address[1], os.getpid()), flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
