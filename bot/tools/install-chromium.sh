#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests: installs it with apt-get
# when running as root, or stops with the command to run. Never downloads a browser itself.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  command -v chromium >/dev/null 2>&1 && exit 0
fi
echo "error: the browser tests need Debian's Chromium. Install it with:" >&2
echo "  sudo apt-get install chromium" >&2
exit 1
