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

# Plain summary lines, whatever the runner printed above them: the host suite's own (Tally under the real Functions
# host, tests/Tally.Host.Tests), then every test's, the host suite's included.
if ! command -v func >/dev/null 2>&1 && [ "${CI:-}" != true ]; then
  echo "host: skipped, as 'func' is not on PATH (put Core Tools v4 or ../shared/functions-host there to run the host suite)"
fi
# Every failed test first, its name and the first line of its error, so the end of a long log says which failed and why.
awk '/^ *Failed [A-Za-z_][A-Za-z0-9_.]*/ && !/Failed: / { name = $0; sub(/^ *Failed /, "", name); sub(/ \[.*$/, "", name) }
     /^ *Error Message:/ && name != "" { getline why; gsub(/^ +| +$/, "", why); print "failed: " name ": " substr(why, 1, 240); name = "" }' "$log"
awk 'match($0, /Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/) {
       s = substr($0, RSTART, RLENGTH); gsub(/[^0-9,]/, "", s); split(s, n, ",")
       failed += n[1]; passed += n[2]; skipped += n[3]
       if ($0 ~ /Tally\.Host\.Tests\.dll/) { host = 1; hf += n[1]; hp += n[2]; hs += n[3] } }
     END { if (host) printf "host: %d passed, %d failed, %d skipped\n", hp, hf, hs; else print "host: no summary (the host suite did not run to the end)"
           printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
exit $status
