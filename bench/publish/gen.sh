#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# bench/publish/gen.sh DIR N NONCE - write DIR/assets.json (asset manifest
# version 54.0.0, the most cdk-assets 4.7.3 reads) with N docker image
# assets, each a small context (FROM $ECRA_BASE_IMAGE, one COPY of a
# distinct payload) published to the bootstrap repository through the
# image-publishing role, as `cdk synth` writes them. The asset ids (and
# so the image tags and local cdkasset-<id> names) are derived from NONCE
# and the index: a new NONCE gives N images that exist neither in the
# registry nor locally.
set -eu
dir=$1
n=$2
nonce=$3
base=${ECRA_BASE_IMAGE:-ecra-busybox:latest}

rm -rf "$dir"
mkdir -p "$dir"
{
	printf '{"version":"54.0.0","files":{},"dockerImages":{'
	i=0
	while [ "$i" -lt "$n" ]; do
		id=$(printf 'bench-%s-%s' "$nonce" "$i" | sha256sum | cut -c1-64)
		d="$dir/asset.$id"
		mkdir -p "$d"
		printf 'payload %s %s\n' "$nonce" "$i" >"$d/payload"
		printf 'FROM %s\nCOPY payload /payload\nCMD ["cat", "/payload"]\n' \
			"$base" >"$d/Dockerfile"
		[ "$i" -gt 0 ] && printf ','
		printf '\n "%s":{"displayName":"Bench/Image%s","source":{"directory":"asset.%s"},' \
			"$id" "$i" "$id"
		printf '"destinations":{"current_account-current_region":{'
		printf '"repositoryName":"cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}",'
		printf '"imageTag":"%s",' "$id"
		printf '"assumeRoleArn":"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-image-publishing-role-${AWS::AccountId}-${AWS::Region}"}}}'
		i=$((i + 1))
	done
	printf '}}\n'
} >"$dir/assets.json"
# the tags, one a line, for the registry check
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("\n".join(d["imageTag"] for a in m["dockerImages"].values() for d in a["destinations"].values()))' \
	"$dir/assets.json" >"$dir/tags"
