#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write OCI image layout tarballs for the registry engine tests.

make_oci.py OUT.tar KIND [SEED]
  KIND multi    index.json lists a linux/amd64 and a linux/arm64 manifest
                (gzip layers), as buildx --output type=oci writes them
  KIND nested   index.json -> one image index blob -> two manifests
  KIND plain    one manifest whose layer is stored uncompressed (as the
                OCI part of a docker 25 classic-store `docker save`)
Each platform's image is FROM scratch + one file naming its platform.
Deterministic for a given SEED.
"""
import gzip
import hashlib
import io
import json
import sys
import tarfile


def layer_tar(text):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        data = text.encode()
        ti = tarfile.TarInfo("platform.txt")
        ti.size = len(data)
        ti.mtime = 0
        t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def main():
    out, kind = sys.argv[1], sys.argv[2]
    seed = sys.argv[3] if len(sys.argv) > 3 else "0"
    blobs = {}

    def put(data):
        d = hashlib.sha256(data).hexdigest()
        blobs[d] = data
        return "sha256:" + d

    def image(arch, compress):
        raw = layer_tar("%s %s\n" % (arch, seed))
        stored = gzip.compress(raw, mtime=0) if compress else raw
        cfg = json.dumps({
            "architecture": arch, "os": "linux",
            "config": {"Cmd": ["/platform.txt"]},
            "rootfs": {"type": "layers",
                       "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]},
        }).encode()
        man = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": put(cfg), "size": len(cfg)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar"
                        + ("+gzip" if compress else ""),
                        "digest": put(stored), "size": len(stored)}],
        }).encode()
        return {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": put(man), "size": len(man),
                "platform": {"architecture": arch, "os": "linux"}}

    if kind == "plain":
        manifests = [image("amd64", False)]
        del manifests[0]["platform"]
    else:
        manifests = [image("amd64", True), image("arm64", True)]
    if kind == "nested":
        idx = json.dumps({"schemaVersion": 2,
                          "mediaType": "application/vnd.oci.image.index.v1+json",
                          "manifests": manifests}).encode()
        manifests = [{"mediaType": "application/vnd.oci.image.index.v1+json",
                      "digest": put(idx), "size": len(idx),
                      "annotations": {"org.opencontainers.image.ref.name": "v1"}}]
    index = json.dumps({"schemaVersion": 2,
                        "mediaType": "application/vnd.oci.image.index.v1+json",
                        "manifests": manifests}).encode()
    files = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
             ("index.json", index)]
    files += [("blobs/sha256/" + d, b) for d, b in sorted(blobs.items())]
    with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in files:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 0
            t.addfile(ti, io.BytesIO(data))
    print(json.loads(index)["manifests"][0]["digest"] if kind == "nested"
          else "sha256:" + hashlib.sha256(index).hexdigest())


main()
