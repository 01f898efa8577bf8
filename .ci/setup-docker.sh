#!/usr/bin/env bash
# Installs what the image and docker tests need: a Docker engine, skopeo and umoci (OCI layouts),
# and a static busybox to build images FROM scratch (no registry can be pulled from).
set -euo pipefail
if command -v dockerd >/dev/null && command -v skopeo >/dev/null && command -v umoci >/dev/null && [ -x /bin/busybox ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update
apt-get -o DPkg::Lock::Timeout=600 install -y docker.io skopeo umoci busybox-static
