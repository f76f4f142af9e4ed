{{/* Names and labels shared by every object of the release. */}}
{{- define "shiriki.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "shiriki.labels" -}}
app.kubernetes.io/name: shiriki
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "component" "ingest"). */}}
{{- define "shiriki.selector" -}}
app.kubernetes.io/name: shiriki
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "shiriki.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "shiriki.secretName" -}}
{{- .Values.secretEnv.existingSecret | default (printf "%s-env" (include "shiriki.fullname" .)) -}}
{{- end -}}

{{- define "shiriki.natsUrl" -}}
{{- if .Values.nats.enabled -}}nats://{{ .Release.Name }}-nats.{{ .Release.Namespace }}.svc.cluster.local:4222{{- else -}}{{ required "natsUrl is required when nats.enabled is false" .Values.natsUrl }}{{- end -}}
{{- end -}}

{{- define "shiriki.natsMonitoringEndpoint" -}}
{{- if .Values.natsMonitoringEndpoint -}}{{ .Values.natsMonitoringEndpoint }}{{- else if .Values.nats.enabled -}}{{ .Release.Name }}-nats-headless.{{ .Release.Namespace }}.svc.cluster.local:8222{{- else -}}{{ fail "natsMonitoringEndpoint is required for KEDA when nats.enabled is false" }}{{- end -}}
{{- end -}}

{{/* The config every service reads: the user's, with the cluster's addresses filled in. */}}
{{- define "shiriki.config" -}}
{{- $pg := .Values.api.postgres -}}
{{- $cluster := dict
  "data_dir" "/var/lib/shiriki"
  "nats" (dict "servers" (list (include "shiriki.natsUrl" .)))
  "go2rtc" (dict "api_url" (printf "http://%s-go2rtc:1984" (include "shiriki.fullname" .)) "rtsp_url" (printf "rtsp://%s-go2rtc:8554" (include "shiriki.fullname" .)) "register_streams" false)
  "api" (dict "port" (int .Values.api.port) "index" (dict "type" "postgres" "postgres_url" (printf "postgres://%s:${PG_PASSWORD}@%s:%v/%s?sslmode=%s" $pg.user $pg.host $pg.port $pg.database $pg.sslmode)))
  "telemetry" (dict "metrics_port" (int .Values.metricsPort))
-}}
{{- toYaml (mergeOverwrite (deepCopy .Values.config) $cluster) -}}
{{- end -}}

{{/* Pod spec parts every shiriki service shares; call with (dict "root" $ "component" "ingest" "values" .Values.ingest). */}}
{{- define "shiriki.podCommon" -}}
serviceAccountName: {{ include "shiriki.fullname" .root }}
automountServiceAccountToken: false
terminationGracePeriodSeconds: {{ .root.Values.terminationGracePeriodSeconds }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "shiriki.selector" (dict "root" .root "component" .component) | nindent 8 }}
{{- end -}}

{{/* The container of one shiriki service. */}}
{{- define "shiriki.container" -}}
- name: {{ .component }}
  image: {{ include "shiriki.image" .root }}
  imagePullPolicy: {{ .root.Values.image.pullPolicy }}
  args: [{{ .component | quote }}, "--config", "/etc/shiriki/shiriki.yaml"]
  envFrom:
    - secretRef:
        name: {{ include "shiriki.secretName" .root }}
  env:
    - name: SHIRIKI_METRICS_PORT
      value: {{ .root.Values.metricsPort | quote }}
  ports:
    - name: metrics
      containerPort: {{ .root.Values.metricsPort }}
    {{- if eq .component "api" }}
    - name: http
      containerPort: {{ .root.Values.api.port }}
    {{- end }}
  startupProbe:
    httpGet: { path: /healthz, port: metrics }
    periodSeconds: 2
    failureThreshold: 60
  livenessProbe:
    httpGet: { path: /healthz, port: metrics }
    periodSeconds: 10
    timeoutSeconds: 3
    failureThreshold: 3
  readinessProbe:
    httpGet: { path: /readyz, port: metrics }
    periodSeconds: 5
    timeoutSeconds: 3
  resources:
    {{- toYaml .values.resources | nindent 4 }}
  securityContext:
    {{- toYaml .root.Values.securityContext | nindent 4 }}
  volumeMounts:
    - { name: config, mountPath: /etc/shiriki, readOnly: true }
    - { name: data, mountPath: /var/lib/shiriki }
    - { name: tmp, mountPath: /tmp }
    {{- if eq .component "detector" }}
    - { name: models, mountPath: /models, readOnly: true }
    {{- end }}
{{- end -}}
