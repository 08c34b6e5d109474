#!/usr/bin/env bash
# Installs what the test command needs on a fresh machine: the workspace (with Node 22) and its production build
# (`pnpm run setup`: the bundled `ferry` that `pnpm ferry` and the bench run), Debian's Chromium for the
# browser tests, iproute2 (ip, tc) and nftables for the network-namespace tests, unzip for the end-to-end share-link
# test and openssl for the LocalSend test peer's certificate. Safe to run again; skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm run setup
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || missing+=(nftables)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "setup:test: please install ${missing[*]} (Debian packages); the tests that need them will be skipped" >&2
  fi
fi
