#!/usr/bin/env bash
# The proof suite (deploy/proof): `shiriki up` on looped person-walk cameras under faults, bad input and a
# secrets search, every figure counted against the cameras' timelines. Needs scripts/bootstrap.sh.
# Usage: scripts/proof.sh [--mode ci|full] [--seed N] [--json FILE] [--write]
#   --mode ci (default) takes about 8 minutes, --mode full about 25; --write saves docs/proof.md.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
export PATH="$repo_root/.tools/bin:$PATH"
exec node --conditions=shiriki-source --import tsx deploy/proof/proof.ts "$@"
