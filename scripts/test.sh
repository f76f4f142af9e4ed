#!/usr/bin/env bash
# The whole test suite: bootstrap, format and lint checks, type check, then every test file with node's
# test runner (unit tests next to code, integration tests under test/ of each package and service).
# Usage: scripts/test.sh [--unit | --integration] [file...]
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

scope=all
if [[ ${1:-} == --unit || ${1:-} == --integration ]]; then
  scope=${1#--}
  shift
fi

if [[ -z ${SHIRIKI_SKIP_BOOTSTRAP:-} ]]; then bash scripts/bootstrap.sh; fi
export PATH="$repo_root/.tools/bin:$PATH"
export NODE_OPTIONS="--conditions=shiriki-source --import tsx ${NODE_OPTIONS:-}"

if [[ $# -gt 0 ]]; then
  files=("$@")
else
  echo "[test] format check"
  pnpm -s format:check
  echo "[test] lint"
  pnpm -s lint
  echo "[test] type check"
  pnpm -s typecheck
  mapfile -t unit < <(find packages services -path '*/node_modules' -prune -o -path '*/src/*' -name '*.test.ts' -print | sort)
  mapfile -t integration < <(find packages services test -path '*/node_modules' -prune -o -path '*/test/*' -name '*.test.ts' -print | sort)
  case $scope in
    unit) files=("${unit[@]}") ;;
    integration) files=("${integration[@]}") ;;
    all) files=("${unit[@]}" "${integration[@]}") ;;
  esac
fi

echo "[test] running ${#files[@]} test files"
# Each file runs in its own process; two at a time suits the 2-core CI machine and the real servers it starts.
exec node --test --test-concurrency="${SHIRIKI_TEST_CONCURRENCY:-2}" --test-reporter=spec "${files[@]}"
