#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/ecr_standin.py - a local ECR + STS + Secrets Manager
# stand-in for tests.
#
# Speaks the real wire protocols on 127.0.0.1 only:
#   ECR  AWS JSON 1.1: POST / with X-Amz-Target
#        AmazonEC2ContainerRegistry_V20150921.<Op>: DescribeRepositories,
#        DescribeImages, GetAuthorizationToken, BatchGetImage.
#   STS  query protocol: POST / form-encoded Action=AssumeRole|
#        GetCallerIdentity, XML responses.
#   Secrets Manager  AWS JSON 1.1: POST / with X-Amz-Target
#        secretsmanager.GetSecretValue (by name or ARN; SecretString or
#        SecretBinary), ResourceNotFoundException for unknown secrets.
# Every request's SigV4 signature is recomputed with botocore's own signer
# (botocore.auth.SigV4Auth, Debian python3-botocore) from the request as
# received, using the secret of the access key it names; a mismatch gets
# the service's 403 (InvalidSignatureException / SignatureDoesNotMatch), an
# unknown key UnrecognizedClientException / InvalidClientTokenId.
# AssumeRole hands out temporary ASIA... credentials that are then accepted
# (with their session token).
#
# Images live in a real docker-registry: DescribeImages and BatchGetImage
# ask it (HEAD/GET /v2/<name>/manifests/<ref>) with the registry's basic
# credentials, which GetAuthorizationToken returns base64-encoded.
#
# Each request is logged as one JSON line to --log. A small unsigned
# control API (POST /__control, JSON) lets tests add repositories, seed
# secrets and inject faults: {"repositories": ["a/b"]},
# {"secrets": {"name": {"SecretString": "..."}}} (or {"SecretBinary":
# "<base64>"}; a null value deletes the secret),
# {"faults": [{"op": "DescribeImages", "error": "ThrottlingException",
#   "status": 400, "count": 2}]}, {"reset": true}.
#
# Usage: ecr_standin.py --port-file F --registry 127.0.0.1:5000
#        [--registry-user U --registry-password P] [--repo NAME]...
#        [--access-key AK --secret-key SK] [--account 123456789012]
#        [--log FILE] [--port N] [--announce] [--config FILE.json]
#        [--external-id ROLE_ARN=ID]...
import argparse
import base64
import concurrent.futures
import datetime
import hashlib
import hmac
import http.client
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

ECR_PREFIX = "AmazonEC2ContainerRegistry_V20150921."
SM_PREFIX = "secretsmanager."
# The JSON 1.1 services: target prefix and handler method prefix.
JSON_SERVICES = {"ecr": (ECR_PREFIX, "ecr"),
                 "secretsmanager": (SM_PREFIX, "sm")}
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
MANIFEST_TYPES = ", ".join([
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
])


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.account = args.account
        # access key -> (secret, session token or None, identity arn)
        self.keys = {
            args.access_key: (args.secret_key, None,
                              "arn:aws:iam::%s:user/ecra-test" % args.account)
        }
        self.repos = {}
        for name in args.repo:
            self.add_repo(name)
        # secret name -> {"arn", "string" or "binary", "created"}
        self.secrets = {}
        self.faults = []
        self.log = open(args.log, "a", buffering=1) if args.log else None

    def add_repo(self, name):
        self.repos.setdefault(name, time.time())

    def put_secret(self, name, value):
        if value is None:
            self.secrets.pop(name, None)
            return
        old = self.secrets.get(name)
        arn = old["arn"] if old else \
            "arn:aws:secretsmanager:%s:%s:secret:%s-%s" % (
                self.args.secret_region, self.account, name,
                secrets.token_urlsafe(6)[:6].replace("-", "a")
                .replace("_", "b"))
        self.secrets[name] = {"arn": arn, "created": time.time(),
                              "string": value.get("SecretString"),
                              "binary": value.get("SecretBinary")}

    def find_secret(self, secret_id):
        for name, sec in self.secrets.items():
            if secret_id in (name, sec["arn"]):
                return name, sec
        return None, None

    def take_fault(self, op):
        with self.lock:
            for f in self.faults:
                if f.get("op") in (op, "*") and f.get("count", 1) > 0:
                    f["count"] = f.get("count", 1) - 1
                    return f
        return None

    def write_log(self, entry):
        if self.log is not None:
            with self.lock:
                self.log.write(json.dumps(entry, sort_keys=True) + "\n")


def parse_authorization(value):
    if not value.startswith("AWS4-HMAC-SHA256 "):
        return None
    out = {}
    for part in value[len("AWS4-HMAC-SHA256 "):].split(","):
        k, _, v = part.strip().partition("=")
        out[k] = v
    if not {"Credential", "SignedHeaders", "Signature"} <= set(out):
        return None
    cred = out["Credential"].split("/")
    if len(cred) != 5 or cred[4] != "aws4_request":
        return None
    out["access_key"], out["date"], out["region"], out["service"] = cred[:4]
    out["signed"] = out["SignedHeaders"].split(";")
    return out


_pool = None
_pool_lock = threading.Lock()


def lookup_pool():
    """Threads for the registry lookups of one multi-id request."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(max_workers=8)
        return _pool


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # http.server writes headers and body in separate sends; with Nagle on,
    # the body waits for the client's delayed ACK (~40 ms a request).
    disable_nagle_algorithm = True
    server_version = "ecra-ecr-standin"

    def log_message(self, fmt, *a):  # quiet: the JSON log is the record
        pass

    # ---------------------------------------------------------------- I/O
    def send(self, status, body, ctype, extra=None):
        # Log first: a client that reads the log right after its call
        # must find the entry.
        if getattr(self, "pending_log", None) is not None:
            self.server.state.write_log(self.pending_log)
            self.pending_log = None
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", self.request_id)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/__health":
            self.request_id = "health"
            self.send(200, "ok\n", "text/plain")
        else:
            self.request_id = secrets.token_hex(8)
            self.send(404, "not found\n", "text/plain")

    def do_POST(self):
        st = self.server.state
        self.request_id = "%08x-%04x-%04x-%04x-%012x" % tuple(
            secrets.randbits(b) for b in (32, 16, 16, 16, 48))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/__control":
            return self.control(body)
        target = self.headers.get("X-Amz-Target", "")
        service = "sts"
        if target.startswith(SM_PREFIX):
            service = "secretsmanager"
        elif target:
            service = "ecr"
        entry = {"time": time.time(), "service": service,
                 "path": self.path, "status": 200, "error": None,
                 "headers": {k.lower(): v for k, v in self.headers.items()
                             if k.lower() != "authorization"}}
        self.pending_log = entry
        try:
            if service in JSON_SERVICES:
                self.json_call(service, target, body, entry)
            else:
                params = dict(urllib.parse.parse_qsl(
                    body.decode("utf-8", "replace"), keep_blank_values=True))
                op = params.get("Action", "")
                entry["op"] = op
                entry["body"] = body.decode("utf-8", "replace")
                entry["params"] = params
                ident = self.authenticate("sts", body, entry)
                self.fault(op)
                handler = getattr(self, "sts_" + op, None)
                if handler is None:
                    raise ApiError(400, "InvalidAction",
                                   "Could not find operation %s" % op)
                self.send(200, handler(params, ident), "text/xml")
        except ApiError as e:
            entry["status"] = e.status
            entry["error"] = e.code
            if service == "ecr":
                self.send(e.status, json.dumps(
                    {"__type": e.code, "message": e.message}),
                    "application/x-amz-json-1.1",
                    {"x-amzn-ErrorType": e.code})
            elif service == "secretsmanager":
                # Secrets Manager spells it "Message"
                self.send(e.status, json.dumps(
                    {"__type": e.code, "Message": e.message}),
                    "application/x-amz-json-1.1",
                    {"x-amzn-ErrorType": e.code})
            else:
                kind = "Receiver" if e.status >= 500 else "Sender"
                self.send(e.status, (
                    '<ErrorResponse xmlns="%s"><Error><Type>%s</Type>'
                    "<Code>%s</Code><Message>%s</Message></Error>"
                    "<RequestId>%s</RequestId></ErrorResponse>\n") % (
                        STS_NS, kind, escape(e.code), escape(e.message),
                        self.request_id), "text/xml")

    def json_call(self, service, target, body, entry):
        """An ECR or Secrets Manager call (JSON 1.1): handler <tag>_<Op>."""
        prefix, tag = JSON_SERVICES[service]
        if not target.startswith(prefix):
            raise ApiError(400, "UnknownOperationException",
                           "unknown operation %s" % target)
        op = target[len(prefix):]
        entry["op"] = op
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            raise ApiError(400, "SerializationException",
                           "malformed JSON request body")
        entry["body"] = body.decode("utf-8", "replace")
        entry["params"] = params
        ident = self.authenticate(service, body, entry)
        self.fault(op)
        handler = getattr(self, tag + "_" + op, None)
        if handler is None:
            raise ApiError(400, "UnknownOperationException",
                           "unknown operation %s" % op)
        self.send(200, json.dumps(handler(params, ident)),
                  "application/x-amz-json-1.1")

    def control(self, body):
        st = self.server.state
        req = json.loads(body or b"{}")
        with st.lock:
            if req.get("reset"):
                st.faults = []
            for name in req.get("repositories", []):
                st.add_repo(name)
            for name, value in req.get("secrets", {}).items():
                st.put_secret(name, value)
            st.faults.extend(req.get("faults", []))
        self.send(200, "{}", "application/json")

    def fault(self, op):
        f = self.server.state.take_fault(op)
        if f is not None:
            raise ApiError(int(f.get("status", 400)), f["error"],
                           f.get("message", "injected fault"))

    # ------------------------------------------------------------ SigV4
    def authenticate(self, service, body, entry):
        st = self.server.state
        auth = parse_authorization(self.headers.get("Authorization", ""))
        json_service = service != "sts"
        if auth is None:
            if json_service:
                raise ApiError(400, "MissingAuthenticationTokenException",
                               "Missing Authentication Token")
            raise ApiError(403, "MissingAuthenticationToken",
                           "Request is missing Authentication Token")
        entry["access_key"] = auth["access_key"]
        entry["region"] = auth["region"]
        entry["signed_headers"] = auth["signed"]
        entry["session_token"] = "X-Amz-Security-Token" in self.headers
        key = st.keys.get(auth["access_key"])
        token = self.headers.get("X-Amz-Security-Token")
        if key is None or key[1] != token:
            if json_service:
                raise ApiError(403, "UnrecognizedClientException",
                               "The security token included in the "
                               "request is invalid.")
            raise ApiError(403, "InvalidClientTokenId",
                           "The security token included in the request "
                           "is invalid.")
        bad = "SignatureDoesNotMatch" if service == "sts" else \
            "InvalidSignatureException"
        if auth["service"] != service:
            raise ApiError(403, bad, "Credential should be scoped to "
                           "correct service: '%s'." % service)
        amz_date = self.headers.get("X-Amz-Date", "")
        if amz_date[:8] != auth["date"]:
            raise ApiError(403, bad, "Date in Credential scope does not "
                           "match YYYYMMDD from ISO-8601 version of date "
                           "from HTTP: '%s' != '%s'" % (
                               auth["date"], amz_date[:8]))
        try:
            when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
        except ValueError:
            raise ApiError(403, bad, "invalid X-Amz-Date '%s'" % amz_date)
        skew = abs((datetime.datetime.utcnow() - when).total_seconds())
        if skew > 15 * 60:
            raise ApiError(403, "InvalidSignatureException"
                           if json_service else "SignatureDoesNotMatch",
                           "Signature expired: %s is now earlier or later "
                           "than 15 min" % amz_date)
        for required in ("host", "x-amz-date"):
            if required not in auth["signed"]:
                raise ApiError(403, bad, "'%s' must be a signed header"
                               % required)
        claimed = self.headers.get("X-Amz-Content-SHA256")
        if claimed is not None and claimed != "UNSIGNED-PAYLOAD" and \
                claimed != hashlib.sha256(body).hexdigest():
            raise ApiError(400, "XAmzContentSHA256Mismatch",
                           "The provided 'x-amz-content-sha256' header "
                           "does not match what was computed.")
        headers = HTTPHeaders()
        for name in auth["signed"]:
            values = self.headers.get_all(name)
            if values is None:
                raise ApiError(403, bad, "signed header '%s' is missing"
                               % name)
            for v in values:
                headers[name] = v
        url = "http://%s%s" % (self.headers.get("Host", "localhost"),
                               self.path)
        request = AWSRequest(method=self.command, url=url, data=body,
                             headers=headers)
        request.context["timestamp"] = amz_date
        signer = SigV4Auth(Credentials(auth["access_key"], key[0], token),
                           service, auth["region"])
        canonical = signer.canonical_request(request)
        sts = signer.string_to_sign(request, canonical)
        expected = signer.signature(sts, request)
        if not hmac.compare_digest(expected, auth["Signature"]):
            entry["canonical_request"] = canonical
            raise ApiError(403, bad, "The request signature we calculated "
                           "does not match the signature you provided. "
                           "Check your AWS Secret Access Key and signing "
                           "method. Consult the service documentation for "
                           "details.")
        return {"access_key": auth["access_key"], "arn": key[2],
                "region": auth["region"]}

    # -------------------------------------------------------- registry
    # One kept-alive connection to the registry per handler thread: a
    # new connection per request cost more than answering it.
    _registry_conn = threading.local()

    def registry(self, method, path, accept=None):
        a = self.server.state.args
        headers = {}
        if a.registry_user:
            cred = "%s:%s" % (a.registry_user, a.registry_password)
            headers["Authorization"] = ("Basic " +
                                        base64.b64encode(cred.encode()).decode())
        if accept:
            headers["Accept"] = accept
        local = Handler._registry_conn
        for attempt in (1, 2):
            conn = getattr(local, "conn", None)
            if conn is None or getattr(local, "host", None) != a.registry:
                conn = http.client.HTTPConnection(a.registry, timeout=30)
                local.conn, local.host = conn, a.registry
            try:
                conn.request(method, path, headers=headers)
                r = conn.getresponse()
                body = r.read()
                if r.will_close:
                    conn.close()
                    local.conn = None
                return r.status, dict(r.headers), body
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                local.conn = None
                # A kept-alive connection the registry closed: once more
                # on a fresh one.
                if attempt == 2:
                    raise ApiError(500, "ServerException",
                                   "registry unreachable: %s" % e)

    def repo(self, params, ident):
        st = self.server.state
        name = params.get("repositoryName")
        if not isinstance(name, str) or name == "":
            raise ApiError(400, "InvalidParameterException",
                           "repositoryName is required")
        if name not in st.repos:
            raise ApiError(400, "RepositoryNotFoundException",
                           "The repository with name '%s' does not exist "
                           "in the registry with id '%s'" % (
                               name, st.account))
        return name

    # -------------------------------------------------------------- ECR
    def ecr_DescribeRepositories(self, params, ident):
        st = self.server.state
        names = params.get("repositoryNames")
        if names is None:
            names = sorted(st.repos)
        out = []
        for name in names:
            if name not in st.repos:
                raise ApiError(400, "RepositoryNotFoundException",
                               "The repository with name '%s' does not "
                               "exist in the registry with id '%s'" % (
                                   name, st.account))
            out.append({
                "repositoryArn": "arn:aws:ecr:%s:%s:repository/%s" % (
                    ident["region"], st.account, name),
                "registryId": st.account,
                "repositoryName": name,
                "repositoryUri": "%s/%s" % (st.args.registry, name),
                "createdAt": st.repos[name],
                "imageTagMutability": "MUTABLE",
                "imageScanningConfiguration": {"scanOnPush": False},
                "encryptionConfiguration": {"encryptionType": "AES256"},
            })
        return {"repositories": out}

    def image_detail(self, name, ref):
        status, headers, _ = self.registry(
            "HEAD", "/v2/%s/manifests/%s" % (name, ref), MANIFEST_TYPES)
        if status == 404:
            return None
        if status != 200:
            raise ApiError(500, "ServerException",
                           "registry answered %d" % status)
        return headers

    def ecr_DescribeImages(self, params, ident):
        st = self.server.state
        name = self.repo(params, ident)
        ids = params.get("imageIds")
        if ids is None:
            status, _, data = self.registry(
                "GET", "/v2/%s/tags/list" % name)
            tags = (json.loads(data).get("tags") or []) \
                if status == 200 else []
            ids = [{"imageTag": t} for t in tags]
        details = []
        # ECR answers many ids in one lookup; the registry needs one
        # request per image, so ask for them side by side.
        refs = [i.get("imageDigest") or i.get("imageTag") for i in ids]
        def detail(ref):
            return self.image_detail(name, ref) if ref else None
        found = map(detail, refs) if len(refs) < 2 else \
            lookup_pool().map(detail, refs)
        for image_id, headers in zip(ids, found):
            if headers is None:
                raise ApiError(400, "ImageNotFoundException",
                               "The image with imageId {imageDigest:'%s', "
                               "imageTag:'%s'} does not exist within the "
                               "repository with name '%s' in the registry "
                               "with id '%s'" % (
                                   image_id.get("imageDigest", "null"),
                                   image_id.get("imageTag", "null"),
                                   name, st.account))
            d = {"registryId": st.account, "repositoryName": name,
                 "imageDigest": headers.get("Docker-Content-Digest"),
                 "imageManifestMediaType": headers.get("Content-Type"),
                 "imageSizeInBytes": int(headers.get("Content-Length", 0)),
                 "imagePushedAt": time.time()}
            if image_id.get("imageTag"):
                d["imageTags"] = [image_id["imageTag"]]
            details.append(d)
        return {"imageDetails": details}

    def ecr_BatchGetImage(self, params, ident):
        st = self.server.state
        name = self.repo(params, ident)
        accept = ", ".join(params.get("acceptedMediaTypes") or []) or \
            MANIFEST_TYPES
        images, failures = [], []
        for image_id in params.get("imageIds") or []:
            ref = image_id.get("imageDigest") or image_id.get("imageTag")
            status, headers, data = self.registry(
                "GET", "/v2/%s/manifests/%s" % (name, ref), accept)
            if status != 200:
                failures.append({"imageId": image_id,
                                 "failureCode": "ImageNotFound",
                                 "failureReason":
                                     "Requested image not found"})
                continue
            images.append({
                "registryId": st.account, "repositoryName": name,
                "imageId": dict(image_id, imageDigest=headers.get(
                    "Docker-Content-Digest")),
                "imageManifest": data.decode("utf-8"),
                "imageManifestMediaType": headers.get("Content-Type")})
        return {"images": images, "failures": failures}

    def ecr_GetAuthorizationToken(self, params, ident):
        st = self.server.state
        a = st.args
        token = base64.b64encode(("%s:%s" % (
            a.registry_user or "AWS", a.registry_password or "nopassword"
        )).encode()).decode()
        return {"authorizationData": [{
            "authorizationToken": token,
            "expiresAt": time.time() + 12 * 3600,
            "proxyEndpoint": "http://%s" % a.registry}]}

    # --------------------------------------------------- Secrets Manager
    def sm_GetSecretValue(self, params, ident):
        st = self.server.state
        secret_id = params.get("SecretId")
        if not isinstance(secret_id, str) or secret_id == "":
            raise ApiError(400, "ValidationException",
                           "1 validation error detected: Value null at "
                           "'secretId' failed to satisfy constraint: "
                           "Member must not be null")
        with st.lock:
            name, sec = st.find_secret(secret_id)
            sec = dict(sec) if sec else None
        if sec is None:
            raise ApiError(400, "ResourceNotFoundException",
                           "Secrets Manager can't find the specified "
                           "secret.")
        out = {"ARN": sec["arn"], "Name": name,
               "VersionId": hashlib.sha1(sec["arn"].encode())
               .hexdigest()[:32],
               "VersionStages": ["AWSCURRENT"],
               "CreatedDate": sec["created"]}
        if sec["string"] is not None:
            out["SecretString"] = sec["string"]
        if sec["binary"] is not None:
            out["SecretBinary"] = sec["binary"]
        return out

    # -------------------------------------------------------------- STS
    def sts_GetCallerIdentity(self, params, ident):
        st = self.server.state
        arn = ident["arn"]
        user_id = "AIDA" + hashlib.sha1(arn.encode()).hexdigest()[:17].upper()
        return ("<GetCallerIdentityResponse xmlns=\"%s\">\n"
                "  <GetCallerIdentityResult>\n"
                "    <Arn>%s</Arn>\n    <UserId>%s</UserId>\n"
                "    <Account>%s</Account>\n"
                "  </GetCallerIdentityResult>\n"
                "  <ResponseMetadata><RequestId>%s</RequestId>"
                "</ResponseMetadata>\n</GetCallerIdentityResponse>\n") % (
                    STS_NS, escape(arn), user_id, st.account,
                    self.request_id)

    def sts_AssumeRole(self, params, ident):
        st = self.server.state
        arn = params.get("RoleArn", "")
        session = params.get("RoleSessionName", "")
        parts = arn.split(":")
        if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam" or \
                not parts[5].startswith("role/"):
            raise ApiError(400, "ValidationError",
                           "%s is invalid" % arn)
        if not session or len(session) > 64:
            raise ApiError(400, "ValidationError",
                           "1 validation error detected: Value '%s' at "
                           "'roleSessionName' failed to satisfy "
                           "constraint" % session)
        want_ext = st.args.external_id.get(arn)
        if want_ext is not None and params.get("ExternalId") != want_ext:
            raise ApiError(403, "AccessDenied",
                           "User: %s is not authorized to perform: "
                           "sts:AssumeRole on resource: %s" % (
                               ident["arn"], arn))
        duration = int(params.get("DurationSeconds") or 3600)
        ak = "ASIA" + secrets.token_hex(8).upper()
        sk = secrets.token_urlsafe(30)
        token = "FwoGZXIvYXdzE" + secrets.token_urlsafe(60)
        role = parts[5][len("role/"):].split("/")[-1]
        assumed = "arn:aws:sts::%s:assumed-role/%s/%s" % (
            parts[4], role, session)
        with st.lock:
            st.keys[ak] = (sk, token, assumed)
        exp = datetime.datetime.utcnow() + datetime.timedelta(
            seconds=duration)
        return ("<AssumeRoleResponse xmlns=\"%s\">\n"
                "  <AssumeRoleResult>\n"
                "    <SourceIdentity/>\n"
                "    <AssumedRoleUser>\n"
                "      <AssumedRoleId>AROA%s:%s</AssumedRoleId>\n"
                "      <Arn>%s</Arn>\n"
                "    </AssumedRoleUser>\n"
                "    <Credentials>\n"
                "      <AccessKeyId>%s</AccessKeyId>\n"
                "      <SecretAccessKey>%s</SecretAccessKey>\n"
                "      <SessionToken>%s</SessionToken>\n"
                "      <Expiration>%s</Expiration>\n"
                "    </Credentials>\n"
                "  </AssumeRoleResult>\n"
                "  <ResponseMetadata><RequestId>%s</RequestId>"
                "</ResponseMetadata>\n</AssumeRoleResponse>\n") % (
                    STS_NS, secrets.token_hex(8).upper(), escape(session),
                    escape(assumed), ak, sk, token,
                    exp.strftime("%Y-%m-%dT%H:%M:%SZ"), self.request_id)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--registry", required=True,
                   help="host:port of the real registry (127.0.0.1)")
    p.add_argument("--registry-user")
    p.add_argument("--registry-password")
    p.add_argument("--repo", action="append", default=[])
    p.add_argument("--access-key", default="AKIAECRATEST00000001")
    p.add_argument("--secret-key",
                   default="ecra/test/secret/key/000000000000000000")
    p.add_argument("--account", default="123456789012")
    p.add_argument("--external-id", action="append", default=[],
                   metavar="ROLE_ARN=ID",
                   help="require this ExternalId for AssumeRole of a role")
    p.add_argument("--log")
    p.add_argument("--secret-region", default="us-east-1",
                   help="region in the ARNs of seeded secrets")
    p.add_argument("--config",
                   help="JSON file: {\"repositories\": [...], "
                   "\"external_ids\": {role_arn: id}, \"faults\": [...], "
                   "\"secrets\": {name: {\"SecretString\": ...}}}")
    p.add_argument("--announce", action="store_true",
                   help="print '<port> <pid>' on stdout once listening")
    args = p.parse_args()
    args.external_id = dict(x.split("=", 1) for x in args.external_id)
    faults = []
    if args.config:
        with open(args.config) as f:
            conf = json.load(f)
        args.repo += conf.get("repositories", [])
        args.external_id.update(conf.get("external_ids", {}))
        faults = conf.get("faults", [])
    seed = conf.get("secrets", {}) if args.config else {}
    if not args.registry.startswith("127."):
        sys.exit("ecr_standin: --registry must be on 127.0.0.0/8")
    # socketserver's default listen backlog is 5: a client opening more
    # connections at once (parallel workers) had SYNs dropped and waited
    # for the 1 s retransmission. ECR does not do that.
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    server.state.faults.extend(faults)
    for name, value in seed.items():
        server.state.put_secret(name, value)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    if args.announce:
        sys.stdout.write("%d %d\n" % (port, os.getpid()))
        sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
