#!/usr/bin/env bash
# Checks what ships beside the binary, without a cluster or a Prometheus: every PromQL expression
# of the Grafana dashboard (deploy/grafana) and of the alert rules (deploy/prometheus), parsed
# with Prometheus' own parser and checked against the metrics briefbot exports; and every
# Kubernetes manifest (deploy/kubernetes), decoded strictly with Kubernetes' API types and
# checked against the Dockerfile, the config and serve's shutdown.
#
# The checks are deploy/check, a Go module of its own, so that their large dependencies stay out
# of briefbot's go.mod. Extra arguments go to `go test` (say -v, or -run TestDashboard).
set -euo pipefail
cd "$(dirname "$0")/../deploy/check"
go vet ./...
go test "$@" ./...
