#!/usr/bin/env bash
# Runs Tally locally: builds the function app, starts Azurite (unless one is already listening),
# and starts the Functions host (Azure Functions Core Tools) on the build output.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v func >/dev/null 2>&1; then
  cat >&2 <<'MSG'
Azure Functions Core Tools v4 ('func') is needed to run the app, and is not on PATH.
Install it, then run ./scripts/start.sh again:
  npm:     npm install -g azure-functions-core-tools@4
  macOS:   brew tap azure/functions && brew install azure-functions-core-tools@4
  Windows: winget install Microsoft.Azure.FunctionsCoreTools
  Linux:   https://learn.microsoft.com/azure/azure-functions/functions-run-local#install-the-azure-functions-core-tools
The tests need no Core Tools: ./scripts/test.sh
MSG
  exit 127
fi

if [ ! -f node_modules/azurite/package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "Building the function app…"
dotnet build src/Tally.Functions --nologo -v quiet -consoleLoggerParameters:ErrorsOnly

if (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null; then
  echo "Azurite (or another storage emulator) is already listening on 127.0.0.1:10001; using it."
else
  mkdir -p .azurite
  node_modules/.bin/azurite --silent --disableTelemetry --skipApiVersionCheck --location .azurite \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
  azurite=$!
  trap 'kill "$azurite" 2>/dev/null || true' EXIT
  for port in 10000 10001 10002; do
    for _ in $(seq 1 150); do
      (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
      kill -0 "$azurite" 2>/dev/null || { echo "Azurite exited; see the output above." >&2; exit 1; }
      sleep 0.2
    done
  done
  echo "Azurite started on 127.0.0.1:10000-10002 (data in .azurite/)."
fi

cd src/Tally.Functions/bin/Debug/net10.0
func start
