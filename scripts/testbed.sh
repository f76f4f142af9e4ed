#!/usr/bin/env bash
# The multi-host test bed (deploy/testbed): shiriki across network namespaces on this machine, with a 3-node
# NATS cluster, ingest on 2 hosts, detectors on 1-3 hosts, and three faults. Needs root (namespaces, cgroups)
# and scripts/bootstrap.sh. `--write` saves the table to docs/benchmarks/cluster.md.
# Usage: scripts/testbed.sh [--write] [--measure-s 30] [--warm-s 15] [--detector-cpus 0.3] [--keep-dir]
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
[[ $(id -u) -eq 0 ]] || { echo "[testbed] needs root: network namespaces and CPU cgroups" >&2; exit 2; }
command -v ip >/dev/null || { echo "[testbed] needs ip (iproute2)" >&2; exit 2; }
export PATH="$repo_root/.tools/bin:$PATH"
exec node --conditions=shiriki-source --import tsx deploy/testbed/testbed.ts "$@"
