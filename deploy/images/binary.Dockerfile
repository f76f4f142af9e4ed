# An image around one of the pinned server binaries that scripts/bootstrap.sh builds (nats-server, go2rtc,
# minio), for hosts that cannot pull the upstream images (nats, alexxit/go2rtc, minio/minio).
# Context: a directory holding the binary (and, for go2rtc, ffmpeg for its exec: sources, as go2rtc's own
# image has). scripts/images.sh builds these.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
ARG NAME
COPY . /usr/local/bin/
RUN ln -s /usr/local/bin/${NAME} /usr/local/bin/entrypoint \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /data --create-home app
USER app
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/entrypoint"]
