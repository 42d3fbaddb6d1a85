#!/usr/bin/env bash
# Makes sure Debian's wapiti (the black-box scanner of `make scan`) is installed: installs
# it with apt-get when running as root, or stops with the command to run.
set -euo pipefail
command -v wapiti >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's wapiti for make scan"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wapiti >/dev/null
  command -v wapiti >/dev/null 2>&1 && exit 0
fi
echo "error: make scan needs Debian's wapiti. Install it with:" >&2
echo "  sudo apt-get install wapiti" >&2
exit 1
