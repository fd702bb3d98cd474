package check

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	kjson "sigs.k8s.io/json"
	kustomize "sigs.k8s.io/kustomize/api/types"
	sigsyaml "sigs.k8s.io/yaml"
)

const manifests = "deploy/kubernetes"

// kinds are the objects the manifests may hold, each decoded into its official API type. A kind
// not listed fails: add it here with its type.
var kinds = map[string]func() runtime.Object{
	"apps/v1 Deployment":            func() runtime.Object { return &appsv1.Deployment{} },
	"apps/v1 StatefulSet":           func() runtime.Object { return &appsv1.StatefulSet{} },
	"v1 Service":                    func() runtime.Object { return &corev1.Service{} },
	"v1 ConfigMap":                  func() runtime.Object { return &corev1.ConfigMap{} },
	"v1 Secret":                     func() runtime.Object { return &corev1.Secret{} },
	"v1 PersistentVolumeClaim":      func() runtime.Object { return &corev1.PersistentVolumeClaim{} },
	"v1 ServiceAccount":             func() runtime.Object { return &corev1.ServiceAccount{} },
	"policy/v1 PodDisruptionBudget": func() runtime.Object { return &policyv1.PodDisruptionBudget{} },
}

// decodeStrict decodes one YAML document into obj as the API server's strict field validation
// does (kubectl apply --validate=strict): a duplicate key, an unknown field or a field in the
// wrong case is an error. sigs.k8s.io/json is the decoder the API server uses.
func decodeStrict(doc []byte, obj any) error {
	j, err := sigsyaml.YAMLToJSONStrict(doc)
	if err != nil {
		return err
	}
	strict, err := kjson.UnmarshalStrict(j, obj)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

// decodeManifest decodes every document of a manifest file by its kind.
func decodeManifest(name string, data []byte) ([]runtime.Object, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objs []runtime.Object
	var errs []error
	for i := 1; ; i++ {
		doc, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var tm metav1.TypeMeta
		if err := sigsyaml.Unmarshal(doc, &tm); err != nil {
			errs = append(errs, fmt.Errorf("%s: document %d: %w", name, i, err))
			continue
		}
		if tm.Kind == "" {
			if len(bytes.TrimSpace(stripComments(doc))) == 0 {
				continue // an empty document (a comment, or a trailing ---)
			}
			errs = append(errs, fmt.Errorf("%s: document %d has no kind", name, i))
			continue
		}
		newObj, ok := kinds[tm.APIVersion+" "+tm.Kind]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: document %d: %s %s is not a kind this check knows: add it to kinds", name, i, tm.APIVersion, tm.Kind))
			continue
		}
		obj := newObj()
		if err := decodeStrict(doc, obj); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s (document %d): %w", name, tm.Kind, i, err))
			continue
		}
		objs = append(objs, obj)
	}
	return objs, errors.Join(errs...)
}

func stripComments(doc []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line...)
		}
	}
	return out
}

// deployment is everything deploy/kubernetes makes, decoded.
type deployment struct {
	kustomization kustomize.Kustomization
	objects       map[string][]runtime.Object // by file
	deployments   []*appsv1.Deployment
	statefulSets  []*appsv1.StatefulSet
	services      []*corev1.Service
	pdbs          []*policyv1.PodDisruptionBudget
	// config is the bot's config file the configMapGenerator makes into briefbot's ConfigMap.
	configMap, configKey string
	config               *yaml.Node
	// secretName is the Secret the secretGenerator makes from secretEnvFile, which git ignores;
	// secretExample is the example beside it that the repository keeps.
	secretName    string
	secretEnvFile string
	secretExample map[string]string
}

func readDeployment(t *testing.T) *deployment {
	t.Helper()
	d := &deployment{objects: map[string][]runtime.Object{}}
	if err := decodeStrict(readFile(t, filepath.Join(manifests, "kustomization.yaml")), &d.kustomization); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	for _, res := range d.kustomization.Resources {
		data, err := os.ReadFile(filepath.Join(root, manifests, res))
		if err != nil {
			t.Errorf("kustomization.yaml lists %s: %v", res, err)
			continue
		}
		objs, err := decodeManifest(res, data)
		if err != nil {
			t.Error(err)
		}
		d.objects[res] = objs
		for _, o := range objs {
			switch o := o.(type) {
			case *appsv1.Deployment:
				d.deployments = append(d.deployments, o)
			case *appsv1.StatefulSet:
				d.statefulSets = append(d.statefulSets, o)
			case *corev1.Service:
				d.services = append(d.services, o)
			case *policyv1.PodDisruptionBudget:
				d.pdbs = append(d.pdbs, o)
			}
		}
	}
	for _, g := range d.kustomization.ConfigMapGenerator {
		for _, f := range g.FileSources {
			key, path, ok := strings.Cut(f, "=")
			if !ok {
				key, path = filepath.Base(f), f
			}
			if key != "briefbot.yaml" {
				continue
			}
			var n yaml.Node
			if err := yaml.Unmarshal(readFile(t, filepath.Join(manifests, path)), &n); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			d.configMap, d.configKey, d.config = g.Name, key, &n
		}
	}
	for _, g := range d.kustomization.SecretGenerator {
		if len(g.EnvSources) != 1 {
			t.Fatalf("secretGenerator %s: want one env file, the one briefbot.env.example shows", g.Name)
		}
		d.secretName, d.secretEnvFile = g.Name, g.EnvSources[0]
		d.secretExample = readEnvFile(t, filepath.Join(manifests, g.EnvSources[0]+".example"))
	}
	return d
}

// readEnvFile reads KEY=value lines as kustomize's secretGenerator does.
func readEnvFile(t *testing.T, rel string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for i, line := range strings.Split(string(readFile(t, rel)), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) != k {
			t.Errorf("%s:%d: want KEY=value", rel, i+1)
			continue
		}
		env[k] = v
	}
	return env
}

// TestManifestsDecodeStrictly: every file kustomization.yaml lists decodes into its Kubernetes
// API type with nothing unknown, and kustomization.yaml into kustomize's own type; every
// manifest in the folder is listed (one left out would never be applied), and every file the
// generators read is there (the secrets' env file as its example, the real one being git's to
// ignore).
func TestManifestsDecodeStrictly(t *testing.T) {
	d := readDeployment(t)
	entries, err := os.ReadDir(filepath.Join(root, manifests))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "kustomization.yaml" || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		if !slices.Contains(d.kustomization.Resources, name) {
			t.Errorf("%s is not in kustomization.yaml's resources: kubectl apply -k would leave it out", name)
		}
	}
	if d.config == nil {
		t.Fatal("no configMapGenerator makes briefbot.yaml")
	}
	if d.secretName == "" {
		t.Fatal("no secretGenerator: the tokens come from a Secret")
	}
	ignored := strings.Fields(string(readFile(t, filepath.Join(manifests, ".gitignore"))))
	if !slices.Contains(ignored, d.secretEnvFile) {
		t.Errorf("%s/.gitignore does not ignore %s, the secrets the secretGenerator reads", manifests, d.secretEnvFile)
	}
	for _, g := range d.kustomization.ConfigMapGenerator {
		if g.Name == d.configMap && (g.Options == nil || !g.Options.DisableNameSuffixHash) {
			t.Errorf("configMapGenerator %s: want disableNameSuffixHash: true, so that an edit updates the mounted files in place and the bot reloads them", g.Name)
		}
	}
	if len(d.deployments) != 1 {
		t.Fatalf("%d Deployments; want briefbot's one", len(d.deployments))
	}
}

// TestTyposFail: a mistake in a manifest fails the decoder, as it would fail `kubectl apply`.
func TestTyposFail(t *testing.T) {
	good := string(readFile(t, filepath.Join(manifests, "deployment.yaml")))
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"as written", "", "", ""},
		{"an unknown field", "replicas: 2", "replica: 2", `unknown field "spec.replica"`},
		{"a field in the wrong case", "replicas: 2", "Replicas: 2", `unknown field "spec.Replicas"`},
		{"a field at the wrong level", "runAsNonRoot: true\n        runAsUser", "readOnlyRootFilesystem: true\n        runAsNonRoot: true\n        runAsUser",
			`unknown field "spec.template.spec.securityContext.readOnlyRootFilesystem"`},
		{"a key twice", "replicas: 2", "replicas: 2\n  replicas: 3", `"replicas" already set`},
		{"a wrong type", "replicas: 2", "replicas: two", "cannot unmarshal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.old) {
				t.Fatalf("deployment.yaml no longer has %q: change this case", tc.old)
			}
			bad := strings.Replace(good, tc.old, tc.new, 1)
			_, err := decodeManifest("deployment.yaml", []byte(bad))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("decode = %v; want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("decode = %v; want an error with %q", err, tc.want)
			}
		})
	}
	if _, err := decodeManifest("x.yaml", []byte("apiVersion: v1\nkind: Pod\n")); err == nil {
		t.Error("a kind the check does not know was decoded; want an error naming it")
	}
}

// TestSecrets: the example env file holds placeholders only, and with the bundled PostgreSQL its
// DSN reaches that database with its password.
func TestSecrets(t *testing.T) {
	d := readDeployment(t)
	placeholder := regexp.MustCompile(`replace|^0+$`)
	for k, v := range d.secretExample {
		if !placeholder.MatchString(v) {
			t.Errorf("%s.example: %s=%q does not look like a placeholder; real secrets go in %s, which git ignores", d.secretEnvFile, k, v, d.secretEnvFile)
		}
	}
	if len(d.statefulSets) == 0 {
		return // an external PostgreSQL: its DSN is the operator's
	}
	u, err := url.Parse(d.secretExample["POSTGRES_DSN"])
	if err != nil {
		t.Fatalf("POSTGRES_DSN: %v", err)
	}
	pw, _ := u.User.Password()
	if pw != d.secretExample["POSTGRES_PASSWORD"] {
		t.Error("the example's POSTGRES_DSN and POSTGRES_PASSWORD differ: with the bundled database they are the same password")
	}
	host := u.Hostname()
	if !slices.ContainsFunc(d.services, func(s *corev1.Service) bool { return s.Name == host }) {
		t.Errorf("POSTGRES_DSN names host %s, which no Service of the manifests is", host)
	}
}

// TestWiring: the Service, the PodDisruptionBudget and the database's StatefulSet find the pods
// they are for, and the database runs as hardened as the bot.
func TestWiring(t *testing.T) {
	d := readDeployment(t)
	dep := d.deployments[0]
	podLabels := dep.Spec.Template.Labels
	matches := func(sel map[string]string, labels map[string]string) bool {
		if len(sel) == 0 {
			return false
		}
		for k, v := range sel {
			if labels[k] != v {
				return false
			}
		}
		return true
	}
	if sel, err := metav1.LabelSelectorAsMap(dep.Spec.Selector); err != nil || !matches(sel, podLabels) {
		t.Errorf("Deployment's selector %v does not select its own pods %v", dep.Spec.Selector, podLabels)
	}
	// The image is named by kustomization.yaml's images: without it the cluster would pull a
	// "briefbot" from Docker Hub.
	image := dep.Spec.Template.Spec.Containers[0].Image
	if !slices.ContainsFunc(d.kustomization.Images, func(i kustomize.Image) bool { return i.Name == image && i.NewName != "" }) {
		t.Errorf("image %q: kustomization.yaml's images: does not give it a registry (newName)", image)
	}
	ports := map[string]bool{}
	for _, p := range dep.Spec.Template.Spec.Containers[0].Ports {
		ports[p.Name] = true
	}
	var service *corev1.Service
	for _, s := range d.services {
		if matches(s.Spec.Selector, podLabels) {
			service = s
		}
	}
	if service == nil {
		t.Fatal("no Service selects briefbot's pods")
	}
	for _, p := range service.Spec.Ports {
		if !ports[p.TargetPort.StrVal] {
			t.Errorf("Service %s: port %s targets %q, which the container does not name", service.Name, p.Name, p.TargetPort.String())
		}
	}
	if len(d.pdbs) != 1 {
		t.Fatalf("%d PodDisruptionBudgets; want one", len(d.pdbs))
	}
	pdb := d.pdbs[0]
	if sel, err := metav1.LabelSelectorAsMap(pdb.Spec.Selector); err != nil || !matches(sel, podLabels) {
		t.Errorf("PodDisruptionBudget's selector %v does not select briefbot's pods", pdb.Spec.Selector)
	}
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 {
		t.Errorf("PodDisruptionBudget minAvailable %v; want 1", pdb.Spec.MinAvailable)
	}
	for _, ss := range d.statefulSets {
		pod := ss.Spec.Template.Spec
		for _, c := range pod.Containers {
			for _, problem := range hardening("StatefulSet "+ss.Name, pod, c) {
				t.Error(problem)
			}
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					for _, problem := range d.secretRef("StatefulSet "+ss.Name+" env "+e.Name, e.ValueFrom.SecretKeyRef, true) {
						t.Error(problem)
					}
				} else if secretish.MatchString(e.Name) {
					t.Errorf("StatefulSet %s: env %s is written in the manifest; take it from the Secret", ss.Name, e.Name)
				}
			}
		}
		if !slices.ContainsFunc(d.services, func(s *corev1.Service) bool {
			return s.Name == ss.Spec.ServiceName && s.Spec.ClusterIP == corev1.ClusterIPNone && matches(s.Spec.Selector, ss.Spec.Template.Labels)
		}) {
			t.Errorf("StatefulSet %s: serviceName %s is not a headless Service selecting its pods", ss.Name, ss.Spec.ServiceName)
		}
		if matches(service.Spec.Selector, ss.Spec.Template.Labels) {
			t.Errorf("briefbot's Service %s also selects the database's pods", service.Name)
		}
	}
}
