#!/usr/bin/env bash
# Runs Tally locally: builds the function app, starts Azurite (unless one is already listening),
# and starts the Functions host (Azure Functions Core Tools, fetched with npx when not installed) on the build output.
# Ports: TALLY_PORT for the app (default 7071), TALLY_AZURITE_PORT for Azurite's blob port, with queue and table on
# the next two (default 10000, 10001, 10002).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${TALLY_PORT:-7071}
blob=${TALLY_AZURITE_PORT:-10000}
queue=$((blob + 1))
table=$((blob + 2))

# Core Tools: the one on PATH, or else v4 fetched by npx (the major version pinned).
func=(func)
if ! command -v func >/dev/null 2>&1; then
  echo "Azure Functions Core Tools ('func') is not on PATH; fetching v4 with npx…"
  if npx --yes azure-functions-core-tools@4 --version >/dev/null 2>&1; then
    func=(npx --yes azure-functions-core-tools@4)
  else
    echo "Could not get Azure Functions Core Tools v4: 'npx azure-functions-core-tools@4' failed (its installer downloads the tools from Microsoft's CDN); install them by hand (https://learn.microsoft.com/azure/azure-functions/functions-run-local) and run ./scripts/start.sh again." >&2
    exit 127
  fi
fi

if [ ! -f node_modules/azurite/package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "Building the function app…"
dotnet build src/Tally.Functions --nologo -v quiet -consoleLoggerParameters:ErrorsOnly

if (exec 3<>/dev/tcp/127.0.0.1/$queue) 2>/dev/null; then
  echo "Azurite (or another storage emulator) is already listening on 127.0.0.1:$queue; using it."
else
  mkdir -p .azurite
  node_modules/.bin/azurite --silent --disableTelemetry --skipApiVersionCheck --location .azurite \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" --tableHost 127.0.0.1 --tablePort "$table" &
  azurite=$!
  trap 'kill "$azurite" 2>/dev/null || true' EXIT
  for p in "$blob" "$queue" "$table"; do
    for _ in $(seq 1 150); do
      (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break
      kill -0 "$azurite" 2>/dev/null || { echo "Azurite exited; see the output above." >&2; exit 1; }
      sleep 0.2
    done
  done
  echo "Azurite started on 127.0.0.1:$blob-$table (data in .azurite/)."
fi

if [ "$blob" != 10000 ] && [ -z "${AzureWebJobsStorage:-}" ]; then
  # local.settings.json says UseDevelopmentStorage=true, which means the default ports: name the ones in use
  # (Azurite's well-known development account and key).
  key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
fi

echo "Starting the Functions host. Dashboard: http://localhost:$port/api/dashboard   API: http://localhost:$port/api/jobs"
cd src/Tally.Functions/bin/Debug/net10.0
"${func[@]}" start --port "$port"
