#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# tests/unit/aws/sigv4_botocore.py - print the expected SigV4 values for
# the ECR- and STS-shaped requests in tests/unit/aws/sigv4.c, computed by
# botocore's own signer (Debian python3-botocore). The values are pasted
# into the C test; rerun this after changing a case there.
import hashlib

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CASES = [
    # name, creds, region, service, url, headers, body, add sha256 header
    ("ecr-describe-images-session",
     ("ASIAEXAMPLE000000001", "secretEXAMPLE/key+0001", "tokenEXAMPLE//+=="),
     "us-west-2", "ecr", "http://127.0.0.1:4566/",
     [("Content-Type", "application/x-amz-json-1.1"),
      ("X-Amz-Target",
       "AmazonEC2ContainerRegistry_V20150921.DescribeImages")],
     b'{"repositoryName":"repo","imageIds":[{"imageTag":"t1"}]}', True),
    ("sts-assume-role",
     ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None),
     "eu-west-3", "sts", "https://sts.eu-west-3.amazonaws.com/",
     [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
     b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A"
     b"123456789012%3Arole%2Fr&RoleSessionName=s&ExternalId=x", False),
]

for name, (ak, sk, tok), region, service, url, headers, body, sha in CASES:
    req = AWSRequest(method="POST", url=url, data=body)
    for k, v in headers:
        req.headers[k] = v
    req.headers["Host"] = url.split("/")[2]
    req.headers["X-Amz-Date"] = "20260102T030405Z"
    if tok:
        req.headers["X-Amz-Security-Token"] = tok
    if sha:
        req.headers["X-Amz-Content-SHA256"] = hashlib.sha256(body).hexdigest()
    req.context["timestamp"] = "20260102T030405Z"
    signer = SigV4Auth(Credentials(ak, sk, tok), service, region)
    cr = signer.canonical_request(req)
    sig = signer.signature(signer.string_to_sign(req, cr), req)
    print(name)
    print("  signed headers:", signer.signed_headers(
        signer.headers_to_sign(req)))
    print("  signature:", sig)
