#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (playwright install cannot
# download here); the Word briefing's chart draws its Chinese labels with Noto Sans CJK.
# Install what is missing with apt when we may.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} = 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" fonts-noto-cjk >/dev/null
else
  echo "missing: ${missing[*]}: run 'sudo apt-get install ${missing[*]}' (the browser tests and the briefing chart need them)" >&2
  exit 1
fi
