#!/usr/bin/env bash
# Builds shiriki's container images with podman, from Debian packages and the pinned binaries alone (no
# registry needed): a bookworm base with this machine's Node.js (as node:20-bookworm-slim lays it out),
# the shiriki image on it, and nats-server, go2rtc and MinIO images around the binaries bootstrap built.
# Idempotent: an image that exists is kept (SHIRIKI_IMAGES_REBUILD=1 rebuilds the shiriki image).
# Usage: scripts/images.sh [base|app|servers|all|print-tag]   (default all; print-tag names the shiriki image)
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
# shellcheck source=../tools/versions.env
source tools/versions.env
export CONTAINERS_CONF="$repo_root/deploy/podman/containers.conf"

node_major=$(node -p 'process.versions.node.split(".")[0]')
BASE_IMAGE=${SHIRIKI_BASE_IMAGE:-localhost/shiriki-base:bookworm-node$(node -p process.versions.node)}
# Tagged by the sources it was built from, so that a changed checkout gets a new image and an unchanged one
# reuses it; localhost/shiriki:dev names the newest build.
source_tag() {
  # What the build reads: the context the Dockerfile copies, less what changes no byte of the image.
  local paths=(. ':(exclude)docs' ':(exclude)*.md' ':(exclude)deploy/test' ':(exclude)deploy/testbed'
    ':(exclude)deploy/helm' ':(exclude)deploy/observability' ':(exclude)deploy/compose.yaml' ':(exclude)deploy/compose' ':(exclude)deploy/kube-validate' ':(exclude)scripts'
    ':(exclude)bench/*.ts' ':(exclude)**/*.test.ts' ':(exclude)**/test/**')
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    { git ls-files -s -- "${paths[@]}"; git diff HEAD -- "${paths[@]}"; git ls-files --others --exclude-standard -- "${paths[@]}" | xargs -r sha256sum; } |
      sha256sum | cut -c1-12
  else
    echo dev
  fi
}
APP_IMAGE=${SHIRIKI_IMAGE:-localhost/shiriki:src-$(source_tag)}
say() { printf '[images] %s\n' "$*"; }
fail() {
  printf '[images] ERROR: %s\n' "$*" >&2
  exit 1
}

as_root=()
[[ $(id -u) -eq 0 ]] || as_root=(sudo -n)

ensure_tools() {
  local missing=()
  for tool in podman runc mmdebstrap iptables; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  # Without the CNI dnsname plugin, compose networks have no DNS and services cannot find each other by name.
  [[ -x /usr/lib/cni/dnsname ]] || missing+=(dnsname)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]}; install podman, runc and mmdebstrap"
  say "installing podman, runc and mmdebstrap from the distribution"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    podman runc mmdebstrap iptables containernetworking-plugins golang-github-containernetworking-plugin-dnsname >/dev/null ||
    fail "could not install podman runc mmdebstrap (apt-get)"
}

build_base() {
  [[ $node_major -eq 20 ]] || fail "the base carries this machine's Node.js, which must be 20 (it is $(node --version))"
  if podman image exists "$BASE_IMAGE"; then
    say "base: $BASE_IMAGE (exists)"
    return 0
  fi
  local node_bin npm_dir work
  node_bin=$(command -v node)
  node_bin=$(readlink -f "$node_bin")
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  [[ -f $npm_dir/package.json ]] || fail "cannot find npm's directory (looked at $npm_dir)"
  # Native addons (better-sqlite3) compile against these headers; node-gyp cannot download them here.
  local node_headers
  node_headers=$(node -p 'require("path").resolve(process.execPath, "../../include/node")')
  [[ -f $node_headers/node.h ]] || fail "no Node.js headers at $node_headers (install your distribution's Node.js dev files)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  say "base: debootstrapping Debian bookworm with Node.js $(node --version) into $BASE_IMAGE (about 2 minutes)"
  mmdebstrap --quiet --variant=minbase --include=ca-certificates,libstdc++6 \
    --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\" && cp '$node_bin' \"\$1/usr/local/bin/node\" && cp -a '$npm_dir' \"\$1/usr/local/lib/node_modules/npm\"" \
    --customize-hook="mkdir -p \"\$1/usr/local/include\" && cp -a '$node_headers' \"\$1/usr/local/include/node\"" \
    --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    bookworm "$work/base.tar" || fail "mmdebstrap failed"
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' "$work/base.tar" "$BASE_IMAGE" >/dev/null
  say "base: $BASE_IMAGE"
}

build_app() {
  if podman image exists "$APP_IMAGE" && [[ -z ${SHIRIKI_IMAGES_REBUILD:-} ]]; then
    say "shiriki: $APP_IMAGE (exists; SHIRIKI_IMAGES_REBUILD=1 rebuilds it)"
    return 0
  fi
  say "shiriki: building $APP_IMAGE on $BASE_IMAGE"
  # A host that reaches the registries through a TLS-inspecting proxy trusts it through extra CAs: lend its
  # CA bundle to the build steps (mounted, not copied into the image).
  local ca_args=()
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null && [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
    ca_args=(--volume /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/host-ca-certificates.crt:ro
      --build-arg NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca-certificates.crt)
  fi
  # The docker format keeps HEALTHCHECK (OCI image configs have no field for it).
  podman build --format docker "${ca_args[@]}" --build-arg "BASE=$BASE_IMAGE" --build-arg "PNPM_VERSION=$PNPM_VERSION" \
    --tag "$APP_IMAGE" --tag localhost/shiriki:dev --file Dockerfile . || fail "podman build of $APP_IMAGE failed"
  # The build stages stay behind as dangling images of 2 GB each.
  podman image prune --force >/dev/null || true
  say "shiriki: $APP_IMAGE"
}

build_server() {
  local name=$1 version=$2 image=localhost/shiriki-$1:$2 context
  if podman image exists "$image"; then
    say "$name: $image (exists)"
    return 0
  fi
  [[ -x .tools/bin/$name ]] || fail "no .tools/bin/$name: run scripts/bootstrap.sh first"
  context=$(mktemp -d)
  trap 'rm -rf "$context"' RETURN
  cp "$(readlink -f ".tools/bin/$name")" "$context/$name"
  if [[ $name == go2rtc ]]; then
    # go2rtc's own image ships ffmpeg for exec: and ffmpeg: sources; this one carries the static build shiriki uses.
    cp "$(cd packages/process && node --import tsx -e 'import("./src/ffmpeg.ts").then((m) => console.log(m.resolveFfmpegPath()))')" \
      "$context/ffmpeg"
  fi
  podman build --quiet --format docker --build-arg "BASE=$BASE_IMAGE" --build-arg "NAME=$name" \
    --tag "$image" --file deploy/images/binary.Dockerfile "$context" >/dev/null || fail "podman build of $image failed"
  say "$name: $image"
}

target=${1:-all}
if [[ $target == print-tag ]]; then
  echo "$APP_IMAGE"
  exit 0
fi
ensure_tools
case $target in
  base) build_base ;;
  app) build_base && build_app ;;
  servers)
    build_base
    build_server nats-server "$NATS_SERVER_VERSION"
    build_server go2rtc "$GO2RTC_VERSION"
    build_server minio "$MINIO_VERSION"
    ;;
  all)
    build_base
    build_app
    build_server nats-server "$NATS_SERVER_VERSION"
    build_server go2rtc "$GO2RTC_VERSION"
    build_server minio "$MINIO_VERSION"
    ;;
  *) fail "unknown target $target (base, app, servers or all)" ;;
esac
