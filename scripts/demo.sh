#!/usr/bin/env bash
# The demo stack: bootstrap, then NATS, go2rtc looping the sample clips, MinIO and the shiriki services,
# printing motion, alerts and camera status until Ctrl-C. Usage: scripts/demo.sh [--duration <seconds>]
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
if [[ -z ${SHIRIKI_SKIP_BOOTSTRAP:-} ]]; then bash scripts/bootstrap.sh; fi
export PATH="$repo_root/.tools/bin:$PATH"
exec node --conditions=shiriki-source --import tsx packages/cli/src/main.ts demo "$@"
