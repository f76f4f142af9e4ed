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

if [[ -z ${SHIRIKI_SKIP_BOOTSTRAP:-} ]]; then bash scripts/bootstrap.sh --with-deploy-tools; fi
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
  echo "[test] package boundaries"
  pnpm -s check:architecture
  mapfile -t unit < <(find packages services -path '*/node_modules' -prune -o -path '*/src/*' -name '*.test.ts' -print | sort)
  mapfile -t integration < <(find packages services test deploy -path '*/node_modules' -prune -o -path '*/test/*' -name '*.test.ts' -print | sort)
  case $scope in
    unit) files=("${unit[@]}") ;;
    integration) files=("${integration[@]}") ;;
    all) files=("${unit[@]}" "${integration[@]}") ;;
  esac
fi

# End-to-end tests run the whole pipeline with real inference; they run one at a time after the rest so that
# two of them never compete for the 2 cores CI has.
regular=()
e2e=()
for file in "${files[@]}"; do
  if [[ $file == *.e2e.test.ts ]]; then e2e+=("$file"); else regular+=("$file"); fi
done

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
status=0
run_phase() {
  local name=$1 concurrency=$2
  shift 2
  [[ $# -gt 0 ]] || return 0
  echo "[test] $name: $# test files"
  node --test --test-concurrency="$concurrency" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$reports/$name.tap" "$@" || status=1
}
# Each file runs in its own process; two at a time suits the 2-core CI machine and the real servers it starts.
run_phase tests "${SHIRIKI_TEST_CONCURRENCY:-2}" "${regular[@]}"
run_phase e2e 1 "${e2e[@]}"

passed=0
failed=0
cancelled=0
skipped=0
for report in "$reports"/*.tap; do
  [[ -f $report ]] || continue
  passed=$((passed + $(awk '/^# pass /{print $3}' "$report" | tail -n1)))
  failed=$((failed + $(awk '/^# fail /{print $3}' "$report" | tail -n1)))
  cancelled=$((cancelled + $(awk '/^# cancelled /{print $3}' "$report" | tail -n1)))
  skipped=$((skipped + $(awk '/^# (skipped|todo) /{s += $3} END {print s + 0}' "$report")))
done
# A cancelled test (its file ended before the test settled) is a failure too.
echo "$passed passed, $((failed + cancelled)) failed ($cancelled of them cancelled), $skipped skipped"
exit $status
