#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# tests/unit/registry/fake_registry.py - an in-memory OCI registry on
# 127.0.0.1 with Bearer token auth, for the registry client unit tests.
# Prints "<port> <pid>" on stdout once listening.
#
#   /token?service=fake&scope=...   needs Basic user:secret-pw; answers
#                                    {"token": "tok-<n>"} (or
#                                    access_token for odd n)
#   /v2/...                          needs "Bearer tok-<n>" whose scopes
#                                    cover the request, else 401 with a
#                                    Bearer challenge naming the scope
#   uploads                          202 + a *relative* Location with a
#                                    query string; PATCH (Content-Range
#                                    checked), PUT ?digest= (verified);
#                                    POST ?mount=&from= mounts known blobs
#   /__log                           JSON list of "METHOD path" seen
#
# A second server on another origin (localhost:<other port>) plays a blob
# store (S3, GCS, a CDN). It logs "STORE METHOD path auth=<Authorization
# or ->" and never asks for credentials. Repositories named offsite/...
# get upload Locations on it (absolute URLs); for redirect/... blob and
# manifest GETs answer 307 to it (HEAD is answered directly), and for
# samehop/... a 307 to the same origin (/__same/<n>/...) which must keep
# the token.
import base64
import hashlib
import json
import sys
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USER, PASSWORD = "user", "secret-pw"
lock = threading.Lock()
blobs = {}       # repo -> {digest: bytes}
manifests = {}   # (repo, ref) -> (media type, bytes)
uploads = {}     # id -> bytearray
tokens = {}      # token -> set of scopes
log = []
counter = [0]
store_port = [0]


def store_url(path):
    return "http://localhost:%d%s" % (store_port[0], path)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def body(self):
        return self.data

    def error(self, status, code, msg):
        self.reply(status, json.dumps(
            {"errors": [{"code": code, "message": msg}]}),
            [("Content-Type", "application/json")])

    def challenge(self, scope):
        host = self.headers.get("Host") or \
            "127.0.0.1:%d" % self.server.server_address[1]
        self.reply(401, json.dumps({"errors": [{"code": "UNAUTHORIZED",
                                                "message": "auth"}]}),
                   [("WWW-Authenticate",
                     'Bearer realm="http://%s/token",service="fake",'
                     'scope="%s"' % (host, scope))])

    def token(self, q):
        auth = self.headers.get("Authorization", "")
        want = "Basic " + base64.b64encode(
            ("%s:%s" % (USER, PASSWORD)).encode()).decode()
        if auth != want:
            return self.reply(401, "bad credentials")
        with lock:
            counter[0] += 1
            tok = "tok-%d" % counter[0]
            tokens[tok] = set(q.get("scope", []))
        key = "token" if counter[0] % 2 == 0 else "access_token"
        self.reply(200, json.dumps({key: tok, "expires_in": 300}),
                   [("Content-Type", "application/json")])

    def allowed(self, repo, action):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return False
        for s in tokens.get(auth[7:], ()):
            parts = s.split(":")
            if len(parts) == 3 and parts[1] == repo and \
                    action in parts[2].split(","):
                return True
        return False

    def handle_any(self):
        # Always consume the body, even when answering 401, or it would
        # be read as the next request on the connection.
        n = int(self.headers.get("Content-Length") or 0)
        self.data = self.rfile.read(n) if n else b""
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        with lock:
            log.append("%s %s" % (self.command, self.path))
        if u.path == "/token":
            return self.token(q)
        if u.path == "/__log":
            return self.reply(200, json.dumps(log))
        if u.path.startswith("/__same/"):
            # /__same/<original path>: the same origin after a redirect
            u = urllib.parse.urlsplit(self.path[len("/__same"):])
        p = u.path.split("/")
        # /v2/<repo...>/<kind>/<ref>
        if len(p) < 5 or p[1] != "v2":
            return self.reply(404)
        if p[-2] == "uploads" or p[-3:-1] == ["blobs", "uploads"]:
            i = p.index("blobs")
            repo, rest = "/".join(p[2:i]), p[i + 2:]
            kind = "uploads"
        else:
            repo, kind, ref = "/".join(p[2:-2]), p[-2], p[-1]
        push = self.command in ("POST", "PUT", "PATCH", "DELETE")
        action = "push" if push else "pull"
        if not self.allowed(repo, action):
            return self.challenge("repository:%s:%s" % (
                repo, "pull,push" if push else "pull"))
        store = blobs.setdefault(repo, {})
        if kind == "manifests":
            if self.command == "PUT":
                data = self.body()
                mt = self.headers.get("Content-Type", "")
                d = "sha256:" + hashlib.sha256(data).hexdigest()
                manifests[(repo, ref)] = (mt, data)
                manifests[(repo, d)] = (mt, data)
                return self.reply(201, b"", [("Docker-Content-Digest", d),
                                             ("Location", "/v2/%s/manifests/%s" % (repo, d))])
            m = manifests.get((repo, ref))
            if m is None:
                return self.error(404, "MANIFEST_UNKNOWN", "unknown")
            if self.command == "GET" and repo.startswith("redirect/"):
                return self.reply(307, b"", [("Location", store_url(
                    "/manifest/%s/%s" % (repo, ref)))])
            d = "sha256:" + hashlib.sha256(m[1]).hexdigest()
            return self.reply(200, m[1], [("Content-Type", m[0]),
                                          ("Docker-Content-Digest", d)])
        if kind == "blobs":
            b = store.get(ref)
            if b is None:
                return self.error(404, "BLOB_UNKNOWN", "unknown")
            if self.command == "GET" and repo.startswith("redirect/"):
                return self.reply(307, b"", [("Location", store_url(
                    "/blob/%s/%s?X-Amz-Signature=presigned" % (repo, ref)))])
            if self.command == "GET" and repo.startswith("samehop/") and \
                    not self.path.startswith("/__same/"):
                return self.reply(307, b"", [("Location", "/__same" + u.path)])
            return self.reply(200, b, [("Docker-Content-Digest", ref)])
        # uploads
        if self.command == "POST" and not rest[0]:
            self.body()
            if "mount" in q:
                src = blobs.get(q.get("from", [""])[0], {})
                d = q["mount"][0]
                if d in src:
                    store[d] = src[d]
                    return self.reply(201, b"", [("Docker-Content-Digest", d)])
            uid = uuid.uuid4().hex
            uploads[uid] = bytearray()
            if repo.startswith("offsite/"):
                return self.reply(202, b"", [("Location", store_url(
                    "/upload/%s/%s?X-Amz-Signature=presigned" % (repo, uid)))])
            return self.reply(202, b"", [
                ("Location", "/v2/%s/blobs/uploads/%s?_state=s%s" % (repo, uid, uid[:4])),
                ("Range", "0-0")])
        uid = rest[0]
        if uid not in uploads or q.get("_state") != ["s" + uid[:4]]:
            return self.error(404, "BLOB_UPLOAD_UNKNOWN", "unknown upload")
        data = self.body()
        buf = uploads[uid]
        if self.command == "PATCH":
            rng = self.headers.get("Content-Range", "")
            start, _, end = rng.partition("-")
            if int(start) != len(buf) or int(end) != len(buf) + len(data) - 1:
                return self.error(416, "BLOB_UPLOAD_INVALID", "range " + rng)
            buf.extend(data)
            return self.reply(202, b"", [
                ("Location", "/v2/%s/blobs/uploads/%s?_state=s%s" % (repo, uid, uid[:4])),
                ("Range", "0-%d" % (len(buf) - 1))])
        if self.command == "PUT":
            buf.extend(data)
            d = q.get("digest", [""])[0]
            if "sha256:" + hashlib.sha256(bytes(buf)).hexdigest() != d:
                return self.error(400, "DIGEST_INVALID", "digest mismatch")
            store[d] = bytes(buf)
            del uploads[uid]
            return self.reply(201, b"", [("Docker-Content-Digest", d)])
        if self.command == "DELETE":
            del uploads[uid]
            return self.reply(204)
        return self.reply(405)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


class StoreHandler(BaseHTTPRequestHandler):
    """The blob store on another origin: no auth, logs what it got."""
    protocol_version = "HTTP/1.1"
    log_message = Handler.log_message
    reply = Handler.reply

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else b""
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        with lock:
            log.append("STORE %s %s auth=%s" % (
                self.command, u.path,
                self.headers.get("Authorization") or "-"))
        p = u.path.split("/")
        if p[1] == "upload" and self.command == "PUT":
            repo, uid = "/".join(p[2:-1]), p[-1]
            buf = uploads.pop(uid, None)
            if buf is None:
                return self.reply(404)
            buf.extend(data)
            d = q.get("digest", [""])[0]
            if "sha256:" + hashlib.sha256(bytes(buf)).hexdigest() != d:
                return self.reply(400, "digest mismatch")
            blobs.setdefault(repo, {})[d] = bytes(buf)
            return self.reply(201, b"", [("Docker-Content-Digest", d)])
        if p[1] == "blob" and self.command in ("GET", "HEAD"):
            repo, d = "/".join(p[2:-1]), p[-1]
            b = blobs.get(repo, {}).get(d)
            return self.reply(200, b) if b is not None else self.reply(404)
        if p[1] == "manifest" and self.command in ("GET", "HEAD"):
            repo, ref = "/".join(p[2:-1]), p[-1]
            m = manifests.get((repo, ref))
            if m is None:
                return self.reply(404)
            return self.reply(200, m[1], [("Content-Type", m[0])])
        return self.reply(405)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = handle_any


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    store = ThreadingHTTPServer(("127.0.0.1", 0), StoreHandler)
    store_port[0] = store.server_address[1]
    threading.Thread(target=store.serve_forever, daemon=True).start()
    import os
    print("%d %d" % (srv.server_address[1], os.getpid()), flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
