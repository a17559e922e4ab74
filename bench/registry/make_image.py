#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the registry benchmark's images (deterministic for a seed).

make_image.py OUT.tar save RANDOM_MB TEXT_MB
    a `docker save` tarball (legacy layout: manifest.json, repositories,
    <id>/layer.tar) with two layers: one file of random bytes, one of
    text, as `FROM scratch` + two COPY would give
make_image.py OUT.tar oci-multi RANDOM_MB TEXT_MB
    an OCI image layout tarball with a linux/amd64 and a linux/arm64
    image, each with the same two kinds of layer at half the sizes,
    stored uncompressed (the engine compresses them when pushing)
"""
import hashlib
import io
import json
import os
import random
import sys
import tarfile

MB = 1 << 20


def text_bytes(n, seed):
    rng = random.Random(seed)
    words = [("".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                      for _ in range(rng.randint(2, 9)))).encode()
             for _ in range(5000)]
    pool = bytearray()
    while len(pool) < 8 * MB:
        line = b" ".join(rng.choice(words) for _ in range(rng.randint(4, 14)))
        pool += line + b"\n"
    out = bytearray()
    i = 0
    while len(out) < n:
        out += b"%08d " % i + bytes(pool)
        i += 1
    return bytes(out[:n])


def random_bytes(n, seed):
    # Deterministic, fast: SHAKE-256 of the seed (as random as urandom
    # for a compressor).
    return hashlib.shake_256(b"ecra-bench-%d" % seed).digest(n)


def layer(name, data):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mtime = 0
        t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def add(t, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = 0
    t.addfile(ti, io.BytesIO(data))


def config(arch, diffs):
    return json.dumps({
        "architecture": arch, "os": "linux",
        "config": {"Cmd": ["/random.bin"]},
        "rootfs": {"type": "layers", "diff_ids": diffs},
        "history": [{"created_by": "COPY random.bin /"},
                    {"created_by": "COPY text.txt /"}],
    }, sort_keys=True).encode()


def sha(b):
    return hashlib.sha256(b).hexdigest()


def main():
    out, kind, rmb, tmb = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if kind == "save":
        l1 = layer("random.bin", random_bytes(rmb * MB, 1))
        l2 = layer("text.txt", text_bytes(tmb * MB, 2))
        cfg = config("amd64", ["sha256:" + sha(l1), "sha256:" + sha(l2)])
        cid = sha(cfg)
        with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
            ids = []
            for i, l in enumerate((l1, l2)):
                lid = sha(l)
                ids.append(lid)
                add(t, lid + "/layer.tar", l)
                add(t, lid + "/VERSION", b"1.0")
                add(t, lid + "/json", json.dumps({"id": lid}).encode())
                del l
            add(t, cid + ".json", cfg)
            add(t, "manifest.json", json.dumps([{
                "Config": cid + ".json", "RepoTags": ["bench:latest"],
                "Layers": [i + "/layer.tar" for i in ids]}]).encode())
            add(t, "repositories",
                json.dumps({"bench": {"latest": ids[-1]}}).encode())
        return
    blobs = []
    manifests = []
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
        for n, arch in enumerate(("amd64", "arm64")):
            l1 = layer("random.bin", random_bytes(rmb * MB // 2, 10 + n))
            l2 = layer("text.txt", text_bytes(tmb * MB // 2, 20 + n))
            descs = []
            for l in (l1, l2):
                d = sha(l)
                add(t, "blobs/sha256/" + d, l)
                descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar",
                              "digest": "sha256:" + d, "size": len(l)})
            cfg = config(arch, [x["digest"] for x in descs])
            add(t, "blobs/sha256/" + sha(cfg), cfg)
            man = json.dumps({
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": "sha256:" + sha(cfg), "size": len(cfg)},
                "layers": descs}).encode()
            add(t, "blobs/sha256/" + sha(man), man)
            manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                              "digest": "sha256:" + sha(man), "size": len(man),
                              "platform": {"architecture": arch, "os": "linux"}})
        add(t, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add(t, "index.json", json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": manifests}).encode())


main()
