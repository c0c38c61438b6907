#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (playwright install cannot
# download here). Install it with apt when it is missing and we may.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "chromium is missing: run 'sudo apt-get install chromium fonts-noto-cjk' (the browser tests need it)" >&2
  exit 1
fi
