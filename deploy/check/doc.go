// Package check holds the tests of what briefbot ships besides its binary: the Grafana
// dashboard (deploy/grafana), the Prometheus rules (deploy/prometheus) and the Kubernetes
// manifests (deploy/kubernetes). They read those files with the parsers of the projects that
// will read them, Prometheus' PromQL parser and Kubernetes' own API types, decoded as strictly
// as the API server does, so that a typo fails here and not in front of an operator.
//
// It is a module of its own, as bench/peer is, because those parsers are large: briefbot's
// go.mod stays as it is. It reads briefbot's sources (the metric names, the config's keys, the
// shutdown's timings, the Dockerfile) as files rather than importing them, so that a change to
// briefbot's go.mod never needs this module's go.sum to follow.
//
// Run it with scripts/deploy-check.sh, or: cd deploy/check && go test ./...
package check
