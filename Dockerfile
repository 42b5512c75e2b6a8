# syntax=docker/dockerfile:1
# mssqldump image: the CLI, the agent and a health probe, as static binaries
# on distroless/static (CA certificates, /tmp, tzdata, no shell), run as the
# unprivileged user 65532.
#
#   docker build -t mssqldump:local .
#   docker run --rm mssqldump:local --help                      # CLI
#   docker run --rm --entrypoint /usr/local/bin/mssqldump-agent mssqldump:local --help

# The toolchain version matches go.mod's go directive.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
COPY go.mod go.sum ./
# go.mod replaces go-mssqldb with the fork in third_party (see its FORK.md).
COPY third_party/go-mssqldb/go.mod third_party/go-mssqldb/go.sum ./third_party/go-mssqldb/
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH=amd64
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -ldflags="-s -w" -o /out/ \
        ./cmd/mssqldump ./cmd/mssqldump-agent && \
    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -ldflags="-s -w" -o /out/mssqldump-healthcheck \
        ./deploy/internal/healthcheck
# The agent's state directory (its sealing key in compose), created here
# because the final image has no shell: a volume mounted on it starts out
# owned by the unprivileged user.
RUN mkdir -p /state/var/lib/mssqldump

# distroless publishes no versioned tags for static images; the debian12
# nonroot variant is the stable line (pin its digest in release builds).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mssqldump /out/mssqldump-agent /out/mssqldump-healthcheck /usr/local/bin/
COPY --from=build --chown=65532:65532 /state/var/lib/mssqldump /var/lib/mssqldump
USER 65532:65532
EXPOSE 9090
ENTRYPOINT ["/usr/local/bin/mssqldump"]
