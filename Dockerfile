# syntax=docker/dockerfile:1
# The shiriki image: every service, ffmpeg and onnxruntime (CPU) in one image; the command picks the service:
#   docker run shiriki detector --config /etc/shiriki/shiriki.yaml
# BASE must be a Debian bookworm image with Node.js 20 at /usr/local/bin (node:20-bookworm-slim);
# scripts/images.sh builds one from Debian packages where no registry can be reached.
ARG BASE=node:20-bookworm-slim

FROM ${BASE} AS build
ARG PNPM_VERSION=10.34.9
# Behind a TLS-inspecting proxy: mount the CA bundle that trusts it and name it here (scripts/images.sh does
# this when the host has extra CAs); it is used while building only and does not reach the final image.
ARG NODE_EXTRA_CA_CERTS
# onnxruntime-node's install script downloads CUDA libraries; the CPU build it bundles needs none of them.
# node-gyp compiles against the headers the Node.js image carries instead of downloading them.
ENV ONNXRUNTIME_NODE_INSTALL=skip \
    npm_config_onnxruntime_node_install=skip \
    npm_config_nodedir=/usr/local \
    CI=true
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/* \
 && npm install --global --no-audit --no-fund "pnpm@${PNPM_VERSION}"
WORKDIR /src
# Dependencies first, from the lockfile alone, so that a source change does not download them again.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm run build \
 && pnpm --filter @shiriki/web run build \
 && pnpm install --offline --frozen-lockfile --prod \
 && find packages services -name '*.tsbuildinfo' -delete \
 && chmod +x packages/cli/dist/src/main.js

FROM ${BASE}
# Debian's ffmpeg, not the static build in node_modules: a static glibc binary crashes resolving host names (a
# camera or go2rtc named by DNS, as in compose and Kubernetes), and Debian's build has VAAPI for hwaccel_args.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    SHIRIKI_FFMPEG=/usr/bin/ffmpeg \
    SHIRIKI_CONFIG=/etc/shiriki/shiriki.yaml \
    SHIRIKI_WEB_DIR=/app/packages/web/dist \
    SHIRIKI_METRICS_PORT=9464
RUN groupadd --system --gid 10001 shiriki \
 && useradd --system --uid 10001 --gid shiriki --home-dir /var/lib/shiriki --create-home shiriki \
 && mkdir -p /etc/shiriki /var/lib/shiriki \
 && chown shiriki:shiriki /var/lib/shiriki
COPY --from=build /src /app
RUN ln -s /app/packages/cli/dist/src/main.js /usr/local/bin/shiriki
USER shiriki
WORKDIR /var/lib/shiriki
# Every service serves /healthz on its telemetry port; the api serves it on its HTTP port too.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.SHIRIKI_METRICS_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Services drain on SIGTERM (stop taking work, finish in flight, flush) within their grace time.
STOPSIGNAL SIGTERM
EXPOSE 9464 5000
ENTRYPOINT ["shiriki"]
CMD ["--help"]
