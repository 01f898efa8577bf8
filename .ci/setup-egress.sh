#!/bin/sh
# Real packet-filter tools for the egress tests (test/egress/kernel.test.ts builds rule sets with them
# inside a throw-away network namespace; without root that test is skipped and the committed kernel
# output under fixtures/egress/kernel/ is judged instead).
set -e
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  apt-get install -y -qq iptables nftables iproute2 ipset
else
  echo "setup-egress: not root; skipping apt-get (the kernel test will be skipped)" >&2
fi
