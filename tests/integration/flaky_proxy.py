#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/flaky_proxy.py - an HTTP proxy on 127.0.0.1 in front
# of a docker-registry (also on loopback) that fails chosen requests, for
# the push retry tests.
#
#   flaky_proxy.py --upstream 127.0.0.1:PORT --port-file FILE
#
# Every request is forwarded as is (method, path, headers including Host
# and Authorization, body) and the answer relayed, so the registry builds
# its Location URLs with the proxy's address. Faults are set with
#   POST /__flaky {"fail": N, "match": "manifests|blobs|any",
#                  "mode": "503|reset"}
# The next N write requests (POST, PUT, PATCH) whose path contains
# "/manifests/" (match "manifests"), "/blobs/" (match "blobs") or any
# path (match "any") are answered 503 with a registry-style JSON error
# ("mode": "503"), 502 with an HTML page ("mode": "502") or get their connection reset ("mode": "reset").
# "fail": -1 fails every such request until the next setting.
# Two more modes delay instead of failing:
#   "slow":  the request body is read at "rate" bytes/s (default 65536),
#            then forwarded (a long upload, to interrupt mid-push);
#   "stall": the body is read, then nothing is answered for "hold"
#            seconds (default 3600) before the connection is closed
#            (a slow-loris registry).
# GET /__flaky returns {"failed": count so far, "writes": writes seen,
# "deletes": DELETE requests seen, "manifest_puts": manifest PUTs seen}.
import argparse
import http.client
import json
import os
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
       "te", "trailer", "upgrade"}


class State:
    def __init__(self, upstream):
        self.upstream = upstream
        self.lock = threading.Lock()
        self.fail = 0
        self.match = "any"
        self.mode = "503"
        self.failed = 0
        self.writes = 0
        self.deletes = 0
        self.manifest_puts = 0
        self.rate = 65536
        self.hold = 3600

    def should_fail(self, method, path):
        if method not in ("POST", "PUT", "PATCH"):
            return None
        with self.lock:
            self.writes += 1
            if self.match == "manifests" and "/manifests/" not in path:
                return None
            if self.match == "blobs" and "/blobs/" not in path:
                return None
            if self.fail == 0:
                return None
            if self.fail > 0:
                self.fail -= 1
            self.failed += 1
            return self.mode


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *a):
        pass

    def body(self, rate=0):
        if rate and "chunked" not in self.headers.get("Transfer-Encoding",
                                                       "").lower():
            n = int(self.headers.get("Content-Length") or 0)
            out = b""
            step = max(1, rate // 10)
            while len(out) < n:
                piece = self.rfile.read(min(step, n - len(out)))
                if not piece:
                    break
                out += piece
                time.sleep(0.1)
            return out
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, data, ctype="application/json", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def control(self, data):
        st = self.server.state
        if self.command == "POST":
            conf = json.loads(data or b"{}")
            with st.lock:
                st.fail = int(conf.get("fail", 0))
                st.match = conf.get("match", "any")
                st.mode = conf.get("mode", "503")
                st.rate = int(conf.get("rate", 65536))
                st.hold = float(conf.get("hold", 3600))
                st.failed = 0
                st.writes = 0
                st.deletes = 0
                st.manifest_puts = 0
        with st.lock:
            out = {"failed": st.failed, "writes": st.writes,
                   "deletes": st.deletes,
                   "manifest_puts": st.manifest_puts}
        self.reply(200, json.dumps(out).encode())

    def handle_any(self):
        st = self.server.state
        if self.path == "/__flaky":
            return self.control(self.body())
        fault = st.should_fail(self.command, self.path)
        data = self.body(st.rate if fault == "slow" else 0)
        with st.lock:
            if self.command == "DELETE":
                st.deletes += 1
            if self.command == "PUT" and "/manifests/" in self.path:
                st.manifest_puts += 1
        if fault == "stall":
            time.sleep(st.hold)
            self.close_connection = True
            return
        if fault == "reset":
            # RST instead of FIN: the client sees "connection reset"
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault == "502":
            # a load balancer's page, not a registry error document
            return self.reply(502, b"<h1>502 Bad Gateway (flaky proxy)</h1>\n",
                              ctype="text/html")
        if fault == "503":
            err = {"errors": [{"code": "UNAVAILABLE",
                               "message": "service unavailable (flaky "
                                          "proxy)"}]}
            return self.reply(503, json.dumps(err).encode())
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in HOP and k.lower() != "content-length"}
        if data or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(data))
        conn = http.client.HTTPConnection(st.upstream, timeout=120)
        try:
            conn.putrequest(self.command, self.path, skip_host=True,
                            skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.endheaders(data if data else None)
            r = conn.getresponse()
            rdata = r.read()
            self.send_response(r.status, r.reason)
            for k, v in r.getheaders():
                if k.lower() not in HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            if self.command != "HEAD" or r.getheader("Content-Length") is None:
                self.send_header("Content-Length", str(len(rdata)))
            else:
                self.send_header("Content-Length",
                                 r.getheader("Content-Length"))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(rdata)
        finally:
            conn.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True)
    p.add_argument("--port-file", required=True)
    a = p.parse_args()
    if not a.upstream.startswith("127."):
        sys.exit("flaky_proxy: --upstream must be on 127.0.0.0/8")
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state = State(a.upstream)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, a.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
