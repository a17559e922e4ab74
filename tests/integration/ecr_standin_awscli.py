#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/ecr_standin_awscli.py - prove the ECR/STS stand-in
# speaks the real protocols: Debian's `aws` (awscli + botocore) is the
# client, against a private stand-in instance in front of the auth
# registry from services.sh (ECRA_AUTH_REGISTRY, ECRA_REGISTRY_USER,
# ECRA_REGISTRY_PASSWORD). Exits 77 (skipped) when those are not set.
#
# Every `aws` call gets --endpoint-url, and proxies point at a closed
# loopback port, so nothing can leave 127.0.0.1 even by mistake.
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
AWS = "/usr/bin/aws" if os.path.exists("/usr/bin/aws") else "aws"
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
AK = "AKIAECRAAWSCLI0000001"
SK = "awscli/test/secret/0000000000000000000000"
ROLE = "arn:aws:iam::123456789012:role/cdk-hnb659fds-image-publishing-role"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def registry_put(reg, user, pw, method, path, data=b"", ctype=None):
    req = urllib.request.Request("http://%s%s" % (reg, path), data=data,
                                 method=method)
    req.add_header("Authorization", "Basic " + base64.b64encode(
        ("%s:%s" % (user, pw)).encode()).decode())
    if ctype:
        req.add_header("Content-Type", ctype)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=30) as r:
        return r.status, r.headers


def push_tiny_image(reg, user, pw, repo, tag):
    """Push a config blob and a layer-less manifest over the registry API."""
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": []},
                         "config": {}, "created": "2026-01-01T00:00:00Z"
                         }).encode()
    digest = "sha256:" + hashlib.sha256(config).hexdigest()
    _, h = registry_put(reg, user, pw, "POST",
                        "/v2/%s/blobs/uploads/" % repo)
    loc = h["Location"]
    if loc.startswith("http"):
        loc = "/" + loc.split("/", 3)[3]
    sep = "&" if "?" in loc else "?"
    registry_put(reg, user, pw, "PUT", "%s%sdigest=%s" % (loc, sep, digest),
                 config, "application/octet-stream")
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType":
                   "application/vnd.docker.container.image.v1+json",
                   "size": len(config), "digest": digest},
        "layers": []}).encode()
    registry_put(reg, user, pw, "PUT", "/v2/%s/manifests/%s" % (repo, tag),
                 manifest,
                 "application/vnd.docker.distribution.manifest.v2+json")
    return "sha256:" + hashlib.sha256(manifest).hexdigest()


def main():
    reg = os.environ.get("ECRA_AUTH_REGISTRY")
    user = os.environ.get("ECRA_REGISTRY_USER")
    pw = os.environ.get("ECRA_REGISTRY_PASSWORD")
    if not (reg and user and pw):
        print("skipped: ECRA_AUTH_REGISTRY etc. not set "
              "(run tests/integration/services.sh start)")
        return 77
    work = tempfile.mkdtemp(prefix="ecra-awscli-")
    portf = os.path.join(work, "port")
    logf = os.path.join(work, "calls.jsonl")
    repo = "ecra/awscli-%d" % os.getpid()
    tag = "t%d" % int(time.time())
    digest = push_tiny_image(reg, user, pw, repo, tag)
    proc = subprocess.Popen([
        PY, os.path.join(HERE, "ecr_standin.py"), "--port-file", portf,
        "--registry", reg, "--registry-user", user, "--registry-password",
        pw, "--repo", repo, "--repo", "ecra/empty", "--access-key", AK,
        "--secret-key", SK, "--log", logf,
        "--external-id", "%s=ext-1" % ROLE])
    try:
        for _ in range(300):
            if os.path.exists(portf):
                break
            time.sleep(0.05)
        port = int(open(portf).read())
        endpoint = "http://127.0.0.1:%d" % port
        base_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": work, "AWS_ACCESS_KEY_ID": AK,
            "AWS_SECRET_ACCESS_KEY": SK, "AWS_REGION": "us-west-2",
            "AWS_CONFIG_FILE": os.path.join(work, "none"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(work, "none"),
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9",
            "NO_PROXY": "127.0.0.1,localhost"}

        def aws(*args, **env):
            e = dict(base_env)
            for k, v in env.items():
                if v is None:
                    e.pop(k, None)
                else:
                    e[k] = v
            r = subprocess.run([AWS, "--endpoint-url", endpoint,
                                "--output", "json"] + list(args),
                               env=e, capture_output=True, text=True,
                               timeout=120)
            out = None
            if r.returncode == 0 and r.stdout.strip():
                out = json.loads(r.stdout)
            return r.returncode, out, r.stderr

        rc, out, err = aws("ecr", "describe-repositories",
                           "--repository-names", repo)
        check(rc == 0 and out["repositories"][0]["repositoryUri"] ==
              "%s/%s" % (reg, repo), "describe-repositories: uri " + err)
        rc, out, err = aws("ecr", "describe-repositories",
                           "--repository-names", "ecra/nope")
        check(rc != 0 and "RepositoryNotFoundException" in err,
              "describe-repositories: unknown repository rejected")

        rc, out, err = aws("ecr", "describe-images", "--repository-name",
                           repo, "--image-ids", "imageTag=" + tag)
        check(rc == 0 and out["imageDetails"][0]["imageDigest"] == digest,
              "describe-images: pushed image found with its digest " + err)
        rc, out, err = aws("ecr", "describe-images", "--repository-name",
                           repo, "--image-ids", "imageTag=missing")
        check(rc != 0 and "ImageNotFoundException" in err,
              "describe-images: missing tag -> ImageNotFoundException")
        rc, out, err = aws("ecr", "describe-images", "--repository-name",
                           "ecra/nope", "--image-ids", "imageTag=x")
        check(rc != 0 and "RepositoryNotFoundException" in err,
              "describe-images: unknown repo -> RepositoryNotFound")

        rc, out, err = aws("ecr", "batch-get-image", "--repository-name",
                           repo, "--image-ids", "imageTag=" + tag,
                           "imageTag=missing")
        check(rc == 0 and len(out["images"]) == 1 and
              json.loads(out["images"][0]["imageManifest"])[
                  "schemaVersion"] == 2 and
              out["failures"][0]["failureCode"] == "ImageNotFound",
              "batch-get-image: one image, one failure " + err)

        rc, out, err = aws("ecr", "get-authorization-token")
        ok = rc == 0
        if ok:
            data = out["authorizationData"][0]
            ok = base64.b64decode(data["authorizationToken"]).decode() == \
                "%s:%s" % (user, pw) and \
                data["proxyEndpoint"] == "http://" + reg
        check(ok, "get-authorization-token: user:password, proxyEndpoint")

        rc, out, err = aws("sts", "get-caller-identity")
        check(rc == 0 and out["Account"] == "123456789012",
              "sts get-caller-identity " + err)
        rc, out, err = aws("sts", "assume-role", "--role-arn", ROLE,
                           "--role-session-name", "cdk-assets-test")
        check(rc != 0 and "AccessDenied" in err,
              "sts assume-role without the required ExternalId: denied")
        rc, out, err = aws("sts", "assume-role", "--role-arn", ROLE,
                           "--role-session-name", "cdk-assets-test",
                           "--external-id", "ext-1")
        check(rc == 0 and out["Credentials"]["AccessKeyId"].startswith(
            "ASIA"), "sts assume-role: temporary ASIA credentials " + err)
        if rc == 0:
            c = out["Credentials"]
            tmp = {"AWS_ACCESS_KEY_ID": c["AccessKeyId"],
                   "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
                   "AWS_SESSION_TOKEN": c["SessionToken"]}
            rc, out, err = aws("ecr", "describe-repositories",
                               "--repository-names", repo, **tmp)
            check(rc == 0, "ecr call with assumed-role credentials " + err)
            rc, out, err = aws("sts", "get-caller-identity", **tmp)
            check(rc == 0 and ":assumed-role/" in out["Arn"],
                  "get-caller-identity as the assumed role")
            tmp["AWS_SESSION_TOKEN"] = "forged"
            rc, out, err = aws("ecr", "describe-repositories", **tmp)
            check(rc != 0 and "UnrecognizedClientException" in err,
                  "assumed-role key with a wrong session token rejected")

        rc, out, err = aws("ecr", "describe-repositories",
                           AWS_SECRET_ACCESS_KEY="wrong" + SK)
        check(rc != 0 and "InvalidSignatureException" in err,
              "ecr: wrong secret key -> InvalidSignatureException")
        rc, out, err = aws("sts", "get-caller-identity",
                           AWS_SECRET_ACCESS_KEY="wrong" + SK)
        check(rc != 0 and "SignatureDoesNotMatch" in err,
              "sts: wrong secret key -> SignatureDoesNotMatch")
        rc, out, err = aws("ecr", "describe-repositories",
                           AWS_ACCESS_KEY_ID="AKIAUNKNOWN000000000")
        check(rc != 0 and "UnrecognizedClientException" in err,
              "ecr: unknown access key -> UnrecognizedClientException")

        # The signature is checked for region too: the scope names the
        # region the client signed for, and that is what is logged.
        rc, out, err = aws("ecr", "describe-repositories",
                           "--region", "eu-west-3")
        check(rc == 0, "ecr: any region signs correctly " + err)

        entries = [json.loads(line) for line in open(logf)]
        ops = [(e["service"], e.get("op"), e["status"]) for e in entries]
        check(("ecr", "DescribeImages", 400) in ops and
              ("sts", "AssumeRole", 200) in ops and
              ("ecr", "GetAuthorizationToken", 200) in ops,
              "call log records every operation")
        check(entries[-1]["region"] == "eu-west-3",
              "call log records the signing region")
        check(any(e.get("session_token") and
                  e["access_key"].startswith("ASIA") for e in entries),
              "call log records session-token use")
        check(all("authorization" not in e["headers"] for e in entries),
              "call log never holds the Authorization header")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        subprocess.run(["rm", "-rf", work])
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
