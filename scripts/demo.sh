#!/usr/bin/env bash
# The demo: bootstrap, then `shiriki up` on the sample clips as cameras (NATS, go2rtc looping the clips and
# every shiriki service), printing motion, events, alerts, camera status and the file of each clip.
# Usage: scripts/demo.sh [--duration <seconds>] [--keep] [--data-dir <dir>]
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -z ${SHIRIKI_SKIP_BOOTSTRAP:-} ]]; then bash "$repo_root/scripts/bootstrap.sh"; fi
exec "$repo_root/.tools/bin/shiriki" demo "$@"
