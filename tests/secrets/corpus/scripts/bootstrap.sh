#!/usr/bin/env bash
set -euo pipefail
: "${HCLOUD_TOKEN:?export HCLOUD_TOKEN first}"
DB_PASSWORD="$(openssl rand -base64 24)"
kubectl create secret generic db --from-literal=password="$DB_PASSWORD"
export LINODE_TOKEN=8d4fe3fec563b3312a2960d8db6fe713df2c4b6f9315344ca95c713b9d7c78c7
curl -s -H "Authorization: Bearer $LINODE_TOKEN" https://api.linode.com/v4/profile
export SENDGRID=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
export AWS_ACCESS_KEY_ID=AKIALJE5H6OSS7EEJZDR
git checkout 2c6a30e6a6db37728a4246a4c4b5d749244224f4
echo "done"
