#!/usr/bin/env bash
# Debian's Chromium for the browser test (Playwright drives it; no browser download).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-browser: installing chromium from Debian's packages" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version >&2
