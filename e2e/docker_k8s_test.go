package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The Kubernetes manifests in images/kubernetes are run in Docker as a
// kubelet would run their pod: an emptyDir is a volume, init containers run
// to completion in order, command and args replace ENTRYPOINT and CMD,
// httpGet probes go to the pod's address, exec probes through docker exec,
// and termination is a SIGTERM with terminationGracePeriodSeconds before
// SIGKILL (docker stop -t). The manifests are decoded strictly: a field
// this emulation does not know fails the test instead of being ignored.

type k8sDeployment struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   any    `yaml:"metadata"`
	Spec       struct {
		Replicas int `yaml:"replicas"`
		Selector any `yaml:"selector"`
		Template struct {
			Metadata any        `yaml:"metadata"`
			Spec     k8sPodSpec `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type k8sPodSpec struct {
	TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
	Volumes                       []struct {
		Name     string    `yaml:"name"`
		EmptyDir *struct{} `yaml:"emptyDir"`
	} `yaml:"volumes"`
	InitContainers []k8sContainer `yaml:"initContainers"`
	Containers     []k8sContainer `yaml:"containers"`
}

type k8sContainer struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	Ports        any `yaml:"ports"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
	LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
	ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
}

type k8sProbe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port int    `yaml:"port"`
	} `yaml:"httpGet"`
	Exec *struct {
		Command []string `yaml:"command"`
	} `yaml:"exec"`
	PeriodSeconds    int `yaml:"periodSeconds"`
	FailureThreshold int `yaml:"failureThreshold"`
}

// readManifest decodes a Deployment of one container, strictly, and
// returns its pod's spec.
func readManifest(t *testing.T, file string) k8sPodSpec {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var d k8sDeployment
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if d.Kind != "Deployment" || len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("%s: want a Deployment with one container, got kind %q with %d", file, d.Kind, len(d.Spec.Template.Spec.Containers))
	}
	return d.Spec.Template.Spec
}

// k8sPod is a pod's containers running in Docker.
type k8sPod struct {
	t       *testing.T
	spec    k8sPodSpec
	volumes map[string]string // pod volume name to Docker volume
	images  map[string]string // manifest image to this run's image
}

// newK8sPod makes the pod's volumes; images maps the manifest's image
// names to this run's.
func newK8sPod(t *testing.T, spec k8sPodSpec, images map[string]string) *k8sPod {
	t.Helper()
	p := &k8sPod{t: t, spec: spec, volumes: map[string]string{}, images: images}
	for _, v := range spec.Volumes {
		if v.EmptyDir == nil {
			t.Fatalf("volume %s: only emptyDir is emulated", v.Name)
		}
		out, err := exec.Command("docker", "volume", "create", "--label", "vigil-e2e="+dockerRunID).Output()
		if err != nil {
			t.Fatalf("docker volume create: %v", err)
		}
		p.volumes[v.Name] = strings.TrimSpace(string(out))
	}
	return p
}

// dockerArgs turns a container of the manifest into docker run's flags,
// image and arguments: command replaces the ENTRYPOINT, args the CMD.
func (p *k8sPod) dockerArgs(c k8sContainer) []string {
	p.t.Helper()
	image, ok := p.images[c.Image]
	if !ok {
		p.t.Fatalf("container %s: no image of this run stands for %s", c.Name, c.Image)
	}
	var argv []string
	for _, e := range c.Env {
		argv = append(argv, "-e", e.Name+"="+e.Value)
	}
	for _, m := range c.VolumeMounts {
		vol, ok := p.volumes[m.Name]
		if !ok {
			p.t.Fatalf("container %s: no volume %s", c.Name, m.Name)
		}
		argv = append(argv, "-v", vol+":"+m.MountPath)
	}
	rest := c.Args
	if len(c.Command) > 0 {
		argv = append(argv, "--entrypoint", c.Command[0])
		rest = append(append([]string{}, c.Command[1:]...), c.Args...)
	}
	return append(append(argv, image), rest...)
}

// start runs the init containers to completion, in order, then the
// container.
func (p *k8sPod) start() *container {
	p.t.Helper()
	for _, c := range p.spec.InitContainers {
		argv := append([]string{"run", "--rm", "--label", "vigil-e2e=" + dockerRunID}, p.dockerArgs(c)...)
		if out, err := exec.Command("docker", argv...).CombinedOutput(); err != nil {
			p.t.Fatalf("init container %s: docker %s: %v\n%s", c.Name, strings.Join(argv, " "), err, out)
		}
	}
	return runContainer(p.t, p.dockerArgs(p.spec.Containers[0])...)
}

// probe runs a probe once, as the kubelet does: an httpGet succeeds on a
// status in 200–399, an exec on exit code 0.
func probe(c *container, pr *k8sProbe) (bool, string) {
	c.t.Helper()
	switch {
	case pr.HTTPGet != nil:
		url := fmt.Sprintf("http://%s:%d%s", c.inspect("{{.NetworkSettings.IPAddress}}"), pr.HTTPGet.Port, pr.HTTPGet.Path)
		kubelet := &http.Client{Timeout: time.Second} // the kubelet's default timeoutSeconds
		code, body := request(kubelet, http.MethodGet, url, nil, nil)
		return code >= 200 && code < 400, fmt.Sprintf("GET %s: %d %s", url, code, body)
	case pr.Exec != nil:
		out, code := c.exec(pr.Exec.Command...)
		return code == 0, fmt.Sprintf("%v: exit %d %s", pr.Exec.Command, code, out)
	}
	c.t.Fatal("a probe with neither httpGet nor exec")
	return false, ""
}

// waitProbe waits until a probe gives the wanted result.
func waitProbe(c *container, what string, pr *k8sProbe, want bool) {
	c.t.Helper()
	var last string
	if !poll(30*time.Second, 100*time.Millisecond, func() bool {
		var ok bool
		ok, last = probe(c, pr)
		return ok == want
	}) {
		c.t.Fatalf("%s probe still %v after 30s: %s\ndocker logs:\n%s", what, !want, last, c.logs())
	}
}

// terminate stops the pod as the kubelet does and checks that init ended
// by itself within the grace period, with the wanted exit code.
func (p *k8sPod) terminate(c *container, wantCode int) {
	p.t.Helper()
	grace := p.spec.TerminationGracePeriodSeconds
	took, code := c.stop("-t", fmt.Sprint(grace))
	if code != wantCode || took >= time.Duration(grace)*time.Second {
		p.t.Fatalf("termination: exit %d after %v, want %d well within the grace period of %ds\n%s", code, took, wantCode, grace, c.logs())
	}
	p.t.Logf("terminated in %v of %ds, exit %d", took.Round(time.Millisecond), grace, code)
}

func TestDockerKubernetesDeployment(t *testing.T) {
	im := requireDocker(t)
	spec := readManifest(t, "../images/kubernetes/deployment.yaml")
	pod := newK8sPod(t, spec, map[string]string{"vigil-example-programs:latest": im.programs})
	c := pod.start()
	app := spec.Containers[0]
	if app.LivenessProbe == nil || app.LivenessProbe.HTTPGet == nil || app.ReadinessProbe == nil || app.ReadinessProbe.HTTPGet == nil {
		t.Fatal("the Deployment's probes must be httpGet probes")
	}

	waitProbe(c, "liveness", app.LivenessProbe, true)
	waitProbe(c, "readiness", app.ReadinessProbe, true)

	// A program that fails its health check takes the pod out of the
	// Service, without a restart: readiness fails, liveness does not.
	c.mustExec("rm", "/srv/www/index.html")
	waitProbe(c, "readiness", app.ReadinessProbe, false)
	if ok, got := probe(c, app.ReadinessProbe); ok || !strings.Contains(got, "web not ready") {
		t.Fatalf("readiness should name web: %s", got)
	}
	if ok, got := probe(c, app.LivenessProbe); !ok {
		t.Fatalf("liveness must not fail for a program's health: %s", got)
	}
	c.mustExec("sh", "-c", "echo back >/srv/www/index.html")
	waitProbe(c, "readiness", app.ReadinessProbe, true)

	pod.terminate(c, 0)
}

func TestDockerKubernetesSidecarInjection(t *testing.T) {
	im := requireDocker(t)
	spec := readManifest(t, "../images/kubernetes/sidecar-injection.yaml")
	pod := newK8sPod(t, spec, map[string]string{"vigil:latest": im.vigil, "busybox:1.36": im.base})
	c := pod.start()
	app := spec.Containers[0]
	if app.LivenessProbe == nil || app.LivenessProbe.Exec == nil || app.ReadinessProbe == nil || app.ReadinessProbe.Exec == nil {
		t.Fatal("the injected container's probes must be exec probes")
	}

	waitProbe(c, "liveness", app.LivenessProbe, true)
	waitProbe(c, "readiness", app.ReadinessProbe, true)
	c.waitLogs("heartbeat | alive")
	// The app image was not rebuilt: init came from the volume, and runs
	// the main command as its child, as PID 1.
	if ps := c.mustExec("ps", "-o", "pid,args"); !regexp.MustCompile(`(?m)^\s*1\s+/vigil/init -- httpd`).MatchString(ps) {
		t.Fatalf("init from the volume should be PID 1 running httpd:\n%s", ps)
	}
	// The main command serves; an error status would make wget fail.
	c.mustExec("wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/etc/passwd")

	// httpd, the main command, dies of the SIGTERM init forwards; init
	// exits with its status, 128+15, as a shell would report it.
	pod.terminate(c, 143)
}
