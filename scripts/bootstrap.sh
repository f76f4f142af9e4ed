#!/usr/bin/env bash
# Installs everything shiriki needs, idempotently, at the versions pinned in tools/versions.env.
# Go tools are built once into a cache outside the repository (SHIRIKI_TOOLS_DIR) and linked into .tools/bin.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
# shellcheck source=../tools/versions.env
source tools/versions.env

tools_dir=${SHIRIKI_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shiriki/tools}
bin_dir="$repo_root/.tools/bin"
mkdir -p "$tools_dir" "$bin_dir"

with_deploy_tools=0
for arg in "$@"; do
  case $arg in
    --with-deploy-tools) with_deploy_tools=1 ;;
    *) printf '[bootstrap] unknown option %s (known: --with-deploy-tools)\n' "$arg" >&2 && exit 2 ;;
  esac
done

say() { printf '[bootstrap] %s\n' "$*"; }
fail() {
  printf '[bootstrap] ERROR: %s\n' "$*" >&2
  exit 1
}
need() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is missing. $2"
}

need node "Install Node.js >= 20.19 (https://nodejs.org or your distribution's nodejs package)."
need npm "npm ships with Node.js; reinstall Node.js."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  fail "Node.js $(node --version) is too old; shiriki needs >= 20.19."
need go "Install Go >= 1.24 (https://go.dev/dl) to build nats-server, go2rtc and MinIO."

# --- pnpm, pinned, installed into the tools cache (no global install, no corepack signature check) ---
pnpm_prefix="$tools_dir/pnpm-$PNPM_VERSION"
if [[ ! -x "$pnpm_prefix/bin/pnpm" ]]; then
  say "installing pnpm $PNPM_VERSION into $pnpm_prefix"
  npm install --silent --no-audit --no-fund --global --prefix "$pnpm_prefix" "pnpm@$PNPM_VERSION" >/dev/null
fi
ln -sfn "$pnpm_prefix/bin/pnpm" "$bin_dir/pnpm"
say "pnpm $PNPM_VERSION: $bin_dir/pnpm"

# --- Go tools, built from the module proxy at exact versions ---
# go2rtc's and MinIO's module histories are not fully listed by every proxy, so `go install module@version`
# can fail on its deprecation look-up; building inside a throwaway module that requires the exact version
# avoids that and still pins the version through go.sum.
build_go_tool() {
  local name=$1 module=$2 version=$3 package=${4:-$2}
  local dest="$tools_dir/$name-$version"
  if [[ ! -x "$dest/$name" ]]; then
    say "building $name $version from $module (first run only; MinIO takes several minutes)"
    local work
    work=$(mktemp -d)
    (
      cd "$work"
      printf 'module shiriki.tools/%s\n\ngo 1.24\n\nrequire %s %s\n' "$name" "$module" "$version" >go.mod
      printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" >tools.go
      go mod tidy >"$work/tidy.log" 2>&1 || {
        cat "$work/tidy.log" >&2
        fail "could not fetch $module@$version from the Go module proxy"
      }
      mkdir -p "$dest.partial"
      # CGO off: go2rtc ships C generator files that only build without cgo, and static binaries travel well.
      CGO_ENABLED=0 GOBIN="$dest.partial" go install -trimpath -ldflags='-s -w' "$package" ||
        fail "could not build $name $version"
    )
    rm -rf "$work" "$dest"
    mv "$dest.partial" "$dest"
    [[ -x "$dest/$name" ]] || fail "$name build produced no binary at $dest/$name"
  fi
  ln -sfn "$dest/$name" "$bin_dir/$name"
  say "$name $version: $bin_dir/$name"
}

build_go_tool nats-server "$NATS_SERVER_MODULE" "$NATS_SERVER_VERSION"
build_go_tool go2rtc "$GO2RTC_MODULE" "$GO2RTC_VERSION"
build_go_tool minio "$MINIO_MODULE" "$MINIO_VERSION"

# --- deployment tools: helm, promtool and kube-validate (the deploy tests' strict manifest check) ---
if [[ $with_deploy_tools == 1 ]]; then
  build_go_tool helm "$HELM_MODULE" "$HELM_VERSION" "$HELM_MODULE/cmd/helm"
  build_go_tool promtool "$PROMETHEUS_MODULE" "$PROMETHEUS_VERSION" "$PROMETHEUS_MODULE/cmd/promtool"
  # kube-validate is this repository's own Go module; its build is keyed by its sources and go.sum.
  kv_sum=$(cat deploy/kube-validate/go.mod deploy/kube-validate/go.sum deploy/kube-validate/*.go | sha256sum | cut -c1-16)
  kv_dest="$tools_dir/kube-validate-$kv_sum"
  if [[ ! -x "$kv_dest/kube-validate" ]]; then
    say "building kube-validate (Kubernetes, KEDA and Prometheus operator types; first run only, a few minutes)"
    (cd deploy/kube-validate && CGO_ENABLED=0 go build -trimpath -o "$kv_dest.partial/kube-validate" .) ||
      fail "could not build deploy/kube-validate"
    rm -rf "$kv_dest" && mv "$kv_dest.partial" "$kv_dest"
  fi
  ln -sfn "$kv_dest/kube-validate" "$bin_dir/kube-validate"
  say "helm $HELM_VERSION, promtool $PROMETHEUS_VERSION, kube-validate: $bin_dir"
fi

# --- node dependencies ---
# onnxruntime-node's install script downloads CUDA libraries; the CPU build it bundles needs none of them.
export ONNXRUNTIME_NODE_INSTALL=skip
export npm_config_onnxruntime_node_install=skip
lock_stamp="node_modules/.shiriki-lock-stamp"
lock_sum=$(cat pnpm-lock.yaml package.json 2>/dev/null | sha256sum | cut -d' ' -f1)
if [[ ! -f "$lock_stamp" || "$(cat "$lock_stamp")" != "$lock_sum" ]]; then
  say "installing node dependencies with pnpm (frozen lockfile)"
  if [[ -f pnpm-lock.yaml ]]; then
    "$bin_dir/pnpm" install --frozen-lockfile --reporter=append-only
  else
    "$bin_dir/pnpm" install --reporter=append-only
  fi
  lock_sum=$(cat pnpm-lock.yaml package.json | sha256sum | cut -d' ' -f1)
  printf '%s' "$lock_sum" >"$lock_stamp"
else
  say "node dependencies up to date"
fi

# --- the web UI, served by the api at / (a second's work with Vite) ---
"$bin_dir/pnpm" --filter @shiriki/web run -s build >/dev/null
say "web UI: packages/web/dist"

# --- distribution packages the tests need, installed when missing and root (or sudo) is at hand ---
# distro_package <binary> <package> <what for>
distro_package() {
  local binary=$1 package=$2 why=$3
  if [[ -x $binary ]]; then
    say "$package: $binary"
  elif command -v apt-get >/dev/null 2>&1 && { [[ $(id -u) -eq 0 ]] || sudo -n true 2>/dev/null; }; then
    say "installing $package from the distribution ($why)"
    local as_root=()
    [[ $(id -u) -eq 0 ]] || as_root=(sudo -n)
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package" >/dev/null ||
      { "${as_root[@]}" apt-get update -q >/dev/null && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package" >/dev/null; } ||
      fail "could not install $package (apt-get install $package); the $why need $binary"
    say "$package: $binary"
  else
    say "WARNING: no $binary and no root to install it (apt-get install $package); the $why will fail"
  fi
}
# Debian's chromium: the test tool's own browser download is refused here.
distro_package /usr/bin/chromium chromium 'UI tests'
# A broker of the tests' own on a free port (a machine may run its own on 1883: never used).
distro_package /usr/sbin/mosquitto mosquitto 'MQTT tests'

# --- ffmpeg ---
ffmpeg_path=$(cd packages/process && node --import tsx -e \
  'import("./src/ffmpeg.ts").then((m) => console.log(m.resolveFfmpegPath()))' 2>&1) ||
  fail "ffmpeg not found: $ffmpeg_path. It comes with @ffmpeg-installer/ffmpeg, or set SHIRIKI_FFMPEG to an ffmpeg binary."
say "ffmpeg: $ffmpeg_path ($("$ffmpeg_path" -version | head -n1 | cut -d' ' -f1-3))"
# --- the shiriki command, on PATH as .tools/bin/shiriki ---
cat >"$bin_dir/shiriki" <<SHIM
#!/usr/bin/env bash
# Written by scripts/bootstrap.sh: runs the shiriki CLI from this checkout's sources.
exec node --conditions=shiriki-source --import "file://$repo_root/node_modules/tsx/dist/loader.mjs" \\
  "$repo_root/packages/cli/src/main.ts" "\$@"
SHIM
chmod +x "$bin_dir/shiriki"
if [[ ":$PATH:" == *":$HOME/.local/bin:"* ]]; then
  ln -sfn "$bin_dir/shiriki" "$HOME/.local/bin/shiriki"
  say "shiriki: $bin_dir/shiriki, on PATH through ~/.local/bin/shiriki"
else
  say "shiriki: $bin_dir/shiriki (put $bin_dir on PATH: export PATH=\"$bin_dir:\$PATH\")"
fi
say "done"
