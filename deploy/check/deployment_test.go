package check

import (
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The figures resources are sized from (BENCHMARKS.md, static build, as in the image).
const (
	measuredPeakRSS = 46e6 // 1,100 idle keep-alives and a reconnecting slowloris
	preStopSleep    = 5 * time.Second
)

// checkDeployment returns what is wrong with briefbot's Deployment: its probes, its hardening, its resources,
// its config mount and its secrets, against the Dockerfile, the config and serve's shutdown.
func (d *deployment) checkDeployment(dep *appsv1.Deployment, img image, shutdownTook time.Duration) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if dep.Spec.Replicas == nil || *dep.Spec.Replicas != 2 {
		fail("replicas: want 2")
	}
	pod := dep.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		fail("%d containers; want briefbot's one", len(pod.Containers))
		return bad
	}
	c := pod.Containers[0]
	bad = append(bad, hardening("pod", pod, c)...)
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsUser == nil || *psc.RunAsUser != int64(img.runAs) || img.uid != img.runAs {
		fail("runAsUser: want the image's user %s, uid %d (the Dockerfile's files are owned by %d)", img.user, img.runAs, img.uid)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		fail("automountServiceAccountToken: want false, briefbot never calls the Kubernetes API")
	}

	// The image: its entrypoint, its port, where it reads its config.
	if len(c.Command) > 0 && !slices.Equal(c.Command, img.entrypoint) {
		fail("command %q replaces the image's entrypoint %q", c.Command, img.entrypoint)
	}
	args := c.Args
	if len(args) == 0 {
		args = img.cmd
	}
	if len(args) == 0 || args[0] != "serve" {
		fail("args %q: want serve", args)
	}
	configPath := filepath.Join(img.workdir, "briefbot.yaml") // serve's default, in WORKDIR
	for i, a := range args {
		if a == "--config" && i+1 < len(args) {
			configPath = args[i+1]
		} else if p, ok := strings.CutPrefix(a, "--config="); ok {
			configPath = p
		}
	}
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	if !slices.Contains(img.ports, int(ports["http"])) {
		fail("port http %d: want the image's EXPOSE %v", ports["http"], img.ports)
	}
	listen := configValue(d.config, "http", "listen")
	if _, p, err := net.SplitHostPort(listen); err != nil || p != strconv.Itoa(int(ports["http"])) {
		fail("config http.listen %q: want :%d, the container's port http, on every interface", listen, ports["http"])
	} else if h, _, _ := net.SplitHostPort(listen); h != "" {
		fail("config http.listen %q: want every interface (\":%s\"), or the probes cannot reach it", listen, p)
	}
	if metrics := configValue(d.config, "metrics", "listen"); metrics != "" {
		if _, p, _ := net.SplitHostPort(metrics); p != strconv.Itoa(int(ports["metrics"])) {
			fail("config metrics.listen %q: want the container's port metrics (%d)", metrics, ports["metrics"])
		}
	}

	// The probes: liveness on /healthz, readiness on /readyz, both on the port http.
	probe := func(what string, p *corev1.Probe, path string) {
		if p == nil || p.HTTPGet == nil {
			fail("%s: want an HTTP probe of %s", what, path)
			return
		}
		port := p.HTTPGet.Port.IntVal
		if p.HTTPGet.Port.StrVal != "" {
			port = ports[p.HTTPGet.Port.StrVal]
		}
		if p.HTTPGet.Path != path || port != ports["http"] || ports["http"] == 0 {
			fail("%s: %s on port %s; want %s on the port http (%d)", what, p.HTTPGet.Path, p.HTTPGet.Port.String(), path, ports["http"])
		}
	}
	probe("livenessProbe", c.LivenessProbe, "/healthz")
	probe("readinessProbe", c.ReadinessProbe, "/readyz")

	// Shutdown: the grace period covers the preStop sleep and serve's own shutdown.
	sleep := time.Duration(0)
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && c.Lifecycle.PreStop.Sleep != nil {
		sleep = time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	}
	if sleep < preStopSleep {
		fail("preStop: want a sleep of %v, so that the Service forgets the pod before it stops taking connections", preStopSleep)
	}
	if g := pod.TerminationGracePeriodSeconds; g == nil || time.Duration(*g)*time.Second < sleep+shutdownTook {
		fail("terminationGracePeriodSeconds: want at least %v: the preStop sleep (%v) and serve's shutdown (%v, cmd/briefbot/serve.go)", sleep+shutdownTook, sleep, shutdownTook)
	}

	// Resources: a request that covers the measured peak, a limit above it.
	req, lim := c.Resources.Requests.Memory(), c.Resources.Limits.Memory()
	if req.IsZero() || req.Value() < measuredPeakRSS {
		fail("memory request %s: want at least the measured peak RSS, %d MB", req, int(measuredPeakRSS/1e6))
	}
	if lim.IsZero() || lim.Cmp(*req) < 0 {
		fail("memory limit %s: want one, above the request %s", lim, req)
	}
	if c.Resources.Requests.Cpu().IsZero() {
		fail("cpu request: want one")
	}

	// The config: the ConfigMap as a folder at the config's place.
	var volume string
	for _, v := range pod.Volumes {
		if v.ConfigMap != nil && v.ConfigMap.Name == d.configMap {
			volume = v.Name
			if len(v.ConfigMap.Items) > 0 {
				fail("volume %s: items would leave keys out; mount the whole ConfigMap", v.Name)
			}
		}
	}
	mounted := false
	for _, m := range c.VolumeMounts {
		if m.Name != volume {
			continue
		}
		mounted = true
		if m.SubPath != "" || m.SubPathExpr != "" {
			fail("volumeMount %s: subPath; a subPath file never changes when the ConfigMap does, so the bot never reloads: mount the folder", m.Name)
		}
		if filepath.Join(m.MountPath, d.configKey) != configPath {
			fail("volumeMount %s at %s: the config would be %s, but serve reads %s", m.Name, m.MountPath, filepath.Join(m.MountPath, d.configKey), configPath)
		}
	}
	if volume == "" || !mounted {
		fail("the ConfigMap %s is not mounted", d.configMap)
	}

	// The secrets: every ${VAR} of the config is set, from the Secret, under a key its example has.
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
		if e.Value != "" && secretish.MatchString(e.Name) {
			fail("env %s is written in the manifest; take it from the Secret", e.Name)
		}
	}
	for name, optional := range configVars(d.config) {
		e, ok := env[name]
		switch {
		case !ok:
			fail("config reads ${%s}, which the container does not set", name)
		case e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil:
			if secretish.MatchString(name) {
				fail("env %s: want it from the Secret", name)
			}
		default:
			bad = append(bad, d.secretRef("env "+name, e.ValueFrom.SecretKeyRef, optional)...)
		}
	}
	return bad
}

// secretRef checks a reference to the Secret the secretGenerator makes.
func (d *deployment) secretRef(what string, ref *corev1.SecretKeySelector, optional bool) []string {
	var bad []string
	if ref.Name != d.secretName {
		bad = append(bad, fmt.Sprintf("%s: from Secret %s; want %s, the one the secretGenerator makes", what, ref.Name, d.secretName))
	}
	if _, ok := d.secretExample[ref.Key]; !ok {
		bad = append(bad, fmt.Sprintf("%s: key %s is not in %s.example", what, ref.Key, d.secretEnvFile))
	}
	if !optional && ref.Optional != nil && *ref.Optional {
		bad = append(bad, fmt.Sprintf("%s: optional, but the config needs it (${NAME} without :-)", what))
	}
	return bad
}

var secretish = regexp.MustCompile(`TOKEN|SECRET|PASSWORD|PUBLIC_KEY|DSN|APPLICATION_ID`)

// hardening returns what is missing from a pod's securityContext: not root, seccomp
// RuntimeDefault, no privilege escalation, a read-only root filesystem, no capabilities.
func hardening(what string, pod corev1.PodSpec, c corev1.Container) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, what+": "+fmt.Sprintf(format, args...)) }
	psc, sc := pod.SecurityContext, c.SecurityContext
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	nonRoot := sc.RunAsNonRoot
	if nonRoot == nil {
		nonRoot = psc.RunAsNonRoot
	}
	if nonRoot == nil || !*nonRoot {
		fail("runAsNonRoot: want true")
	}
	user := sc.RunAsUser
	if user == nil {
		user = psc.RunAsUser
	}
	if user == nil || *user == 0 {
		fail("runAsUser: want a number other than 0 (Kubernetes cannot check a user the image names)")
	}
	seccomp := sc.SeccompProfile
	if seccomp == nil {
		seccomp = psc.SeccompProfile
	}
	if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
		fail("seccompProfile: want RuntimeDefault")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		fail("allowPrivilegeEscalation: want false")
	}
	if sc.Privileged != nil && *sc.Privileged {
		fail("privileged: want false")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		fail("readOnlyRootFilesystem: want true")
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
		fail("capabilities: want drop [ALL] and nothing added")
	}
	return bad
}

// TestDeployment: briefbot's Deployment agrees with the Dockerfile, with its config and with the
// shutdown serve does, runs hardened, and is sized from the measured memory; the checks find
// what each mistake below makes.
func TestDeployment(t *testing.T) {
	d := readDeployment(t)
	img := readDockerfile(t)
	took := shutdown(t)
	dep := d.deployments[0]
	for _, problem := range d.checkDeployment(dep, img, took) {
		t.Errorf("deployment.yaml: %s", problem)
	}

	// Each mistake, made on a copy, is found.
	for _, tc := range []struct {
		name    string
		mistake func(*appsv1.Deployment)
		want    string
	}{
		{"one replica", func(d *appsv1.Deployment) { *d.Spec.Replicas = 1 }, "replicas"},
		{"liveness on /readyz", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].LivenessProbe.HTTPGet.Path = "/readyz" }, "livenessProbe"},
		{"readiness on another port", func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers[0].ReadinessProbe.HTTPGet.Port.StrVal = "metrics"
		}, "readinessProbe"},
		{"root", func(d *appsv1.Deployment) { *d.Spec.Template.Spec.SecurityContext.RunAsUser = 0 }, "runAsUser"},
		{"a writable root", func(d *appsv1.Deployment) {
			*d.Spec.Template.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem = false
		}, "readOnlyRootFilesystem"},
		{"capabilities kept", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].SecurityContext.Capabilities.Drop = nil }, "capabilities"},
		{"the config as a subPath", func(d *appsv1.Deployment) {
			m := &d.Spec.Template.Spec.Containers[0].VolumeMounts[0]
			m.MountPath, m.SubPath = "/data/briefbot.yaml", "briefbot.yaml"
		}, "subPath"},
		{"the config elsewhere", func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers[0].VolumeMounts[0].MountPath = "/etc/briefbot"
		}, "serve reads /data/briefbot.yaml"},
		{"a token in the manifest", func(d *appsv1.Deployment) {
			c := &d.Spec.Template.Spec.Containers[0]
			c.Env = append(c.Env, corev1.EnvVar{Name: "SLACK_BOT_TOKEN", Value: "xoxb-1"})
		}, "written in the manifest"},
		{"a variable not set", func(d *appsv1.Deployment) {
			c := &d.Spec.Template.Spec.Containers[0]
			c.Env = slices.DeleteFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "POSTGRES_DSN" })
		}, "${POSTGRES_DSN}"},
		{"a short grace period", func(d *appsv1.Deployment) { *d.Spec.Template.Spec.TerminationGracePeriodSeconds = 10 }, "terminationGracePeriodSeconds"},
		{"a memory request under the peak", func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceMemory] = resource.MustParse("32Mi")
		}, "memory request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			broken := dep.DeepCopy()
			tc.mistake(broken)
			problems := d.checkDeployment(broken, img, took)
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Errorf("checkDeployment = %q; want a problem with %q", problems, tc.want)
			}
		})
	}
}
