#!/usr/bin/env bash
# The proof suite (deploy/proof): `shiriki up` on looped person-walk cameras under faults, bad input and a
# secrets search, every figure counted against the cameras' timelines. Needs scripts/bootstrap.sh.
# Usage: scripts/proof.sh [--mode ci|full|soak] [--seed N] [--json FILE] [--write]
#        scripts/proof.sh --mode load [--steps 2,4,6,8] [--measure-s 60] [--write]
#   --mode ci (default) takes about 6 minutes, --mode full about 13; --write saves docs/proof.md.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
export PATH="$repo_root/.tools/bin:$PATH"
# --mode load is a run of its own (deploy/proof/load.ts): cameras added until frames drop.
script=deploy/proof/proof.ts
for arg in "$@"; do [[ $arg == load || $arg == --mode=load ]] && script=deploy/proof/load.ts; done
exec node --conditions=shiriki-source --import tsx "$script" "$@"
