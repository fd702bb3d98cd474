# Build: a static binary, no cgo (SQLite is pure Go), paths trimmed, version and commit stamped.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=none
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/briefbot ./cmd/briefbot \
 && mkdir -p /out/data

# Run: distroless, no shell, non-root. Mount briefbot.yaml (and briefing folders) into /data;
# with the default store the SQLite ledger is written there too. The config must listen on
# all interfaces inside the container: http: {listen: ":8080"}.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/briefbot /briefbot
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
USER nonroot:nonroot
EXPOSE 8080
# No shell in the image: the binary probes its own /readyz.
HEALTHCHECK --interval=15s --timeout=6s --start-period=10s --retries=3 CMD ["/briefbot", "health"]
ENTRYPOINT ["/briefbot"]
CMD ["serve"]
