// kube-validate decodes every object of a multi-document Kubernetes YAML stream (helm template output)
// strictly into Kubernetes' own Go types (k8s.io/api), KEDA's (kedacore/keda apis) and the Prometheus
// operator's: a field that the type does not have, or a value of the wrong type, fails the check. It
// exits 1 and names each offending object and field; on success it prints one line per object.
//
//	helm template shiriki deploy/helm/shiriki | kube-validate
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// kinds maps apiVersion/kind to a constructor of the typed object it must decode into.
var kinds = map[string]func() any{
	"v1/ConfigMap":                             func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                                func() any { return &corev1.Secret{} },
	"v1/Service":                               func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                        func() any { return &corev1.ServiceAccount{} },
	"v1/PersistentVolumeClaim":                 func() any { return &corev1.PersistentVolumeClaim{} },
	"v1/Pod":                                   func() any { return &corev1.Pod{} },
	"apps/v1/Deployment":                       func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                      func() any { return &appsv1.StatefulSet{} },
	"batch/v1/Job":                             func() any { return &batchv1.Job{} },
	"autoscaling/v2/HorizontalPodAutoscaler":   func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1/PodDisruptionBudget":            func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy":       func() any { return &networkingv1.NetworkPolicy{} },
	"networking.k8s.io/v1/Ingress":             func() any { return &networkingv1.Ingress{} },
	"rbac.authorization.k8s.io/v1/Role":        func() any { return &rbacv1.Role{} },
	"rbac.authorization.k8s.io/v1/RoleBinding": func() any { return &rbacv1.RoleBinding{} },
	"keda.sh/v1alpha1/ScaledObject":            func() any { return &kedav1alpha1.ScaledObject{} },
	"keda.sh/v1alpha1/TriggerAuthentication":   func() any { return &kedav1alpha1.TriggerAuthentication{} },
	"monitoring.coreos.com/v1/ServiceMonitor":  func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1/PodMonitor":      func() any { return &monitoringv1.PodMonitor{} },
	"monitoring.coreos.com/v1/PrometheusRule":  func() any { return &monitoringv1.PrometheusRule{} },
}

type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

func main() {
	docs, err := splitDocuments(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kube-validate:", err)
		os.Exit(2)
	}
	failures, objects := 0, 0
	for i, doc := range docs {
		name, err := check(doc)
		if name == "" {
			continue // an empty document (a template that rendered nothing)
		}
		objects++
		if err != nil {
			failures++
			fmt.Fprintf(os.Stderr, "document %d, %s: %v\n", i+1, name, err)
			continue
		}
		fmt.Printf("ok %s\n", name)
	}
	if objects == 0 {
		fmt.Fprintln(os.Stderr, "kube-validate: no objects in the input")
		os.Exit(1)
	}
	if failures > 0 {
		fmt.Fprintf(os.Stderr, "kube-validate: %d of %d objects are invalid\n", failures, objects)
		os.Exit(1)
	}
}

// check decodes one document; name is "" for an empty document.
func check(doc []byte) (name string, err error) {
	jsonDoc, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return "<unparsable>", fmt.Errorf("not YAML: %w", err)
	}
	if bytes.Equal(bytes.TrimSpace(jsonDoc), []byte("null")) {
		return "", nil
	}
	var h header
	if err := json.Unmarshal(jsonDoc, &h); err != nil {
		return "<not an object>", err
	}
	name = fmt.Sprintf("%s/%s %s", h.APIVersion, h.Kind, h.Metadata.Name)
	if h.Metadata.Name == "" {
		return name, errors.New("metadata.name is empty")
	}
	newObject, known := kinds[h.APIVersion+"/"+h.Kind]
	if !known {
		return name, fmt.Errorf("unknown apiVersion/kind %s/%s (kube-validate knows no Go type for it)", h.APIVersion, h.Kind)
	}
	decoder := json.NewDecoder(bytes.NewReader(jsonDoc))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(newObject()); err != nil {
		return name, err
	}
	return name, nil
}

// splitDocuments splits a YAML stream at lines that are exactly "---" (what helm template writes).
func splitDocuments(r io.Reader) ([][]byte, error) {
	var docs [][]byte
	var current bytes.Buffer
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.TrimRight(line, " ") == "---" {
			docs = append(docs, bytes.Clone(current.Bytes()))
			current.Reset()
			continue
		}
		current.WriteString(line)
		current.WriteByte('\n')
	}
	docs = append(docs, current.Bytes())
	return docs, scanner.Err()
}
