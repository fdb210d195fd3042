#!/usr/bin/env bash
# Runs every test: installs Azurite into node_modules and Chromium from the OS packages if they are missing,
# builds, and runs the test suite. The tests start their own Azurite (free ports, in memory, --disableTelemetry)
# and stop it afterwards; the dashboard tests drive Chromium (TALLY_CHROMIUM, default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/azurite/package.json ]; then
  echo "Installing Azurite (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi

chromium=${TALLY_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the dashboard tests (apt-get install chromium)…"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium; } >/dev/null \
    || echo "Could not install Chromium; the dashboard tests will fail until it is at $chromium (or TALLY_CHROMIUM names one)." >&2
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Functions.sln --nologo "$@" 2>&1 | tee "$log" || status=$?

# One plain summary line, whatever the runner printed above it.
awk 'match($0, /Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/) {
       s = substr($0, RSTART, RLENGTH); gsub(/[^0-9,]/, "", s); split(s, n, ",")
       failed += n[1]; passed += n[2]; skipped += n[3] }
     END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
exit $status
