#!/usr/bin/env bash
# Makes sure a Debian package a make target needs is installed (Chromium for the browser
# tests, wapiti for `make scan`): installs it with apt-get when running as root, or stops
# with the command to run. Never downloads anything else.
#   usage: install-debian-package.sh <package> <command it provides> <what needs it>
set -euo pipefail
package=$1 command=$2 purpose=$3
command -v "$command" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's $package for $purpose"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
  command -v "$command" >/dev/null 2>&1 && exit 0
fi
echo "error: $purpose needs Debian's $package. Install it with:" >&2
echo "  sudo apt-get install $package" >&2
exit 1
