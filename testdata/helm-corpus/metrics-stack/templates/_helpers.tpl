{{/* vim: set filetype=mustache: */}}
{{/*
Expand the name of the chart.
*/}}
{{- define "ms.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "ms.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Create a fully qualified name, truncated to 63 characters.
*/}}
{{- define "ms.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The fully qualified name of a component, 63 characters at most. The parameter is the
component's values: {{ template "ms.component.fullname" (list $ .Values.server) }}
*/}}
{{- define "ms.component.fullname" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- printf "%s-%s" (include "ms.fullname" $root) $component.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ms.server.fullname" -}}
{{- include "ms.component.fullname" (list . .Values.server) -}}
{{- end -}}

{{- define "ms.alertmanager.fullname" -}}
{{- include "ms.component.fullname" (list . .Values.alertmanager) -}}
{{- end -}}

{{- define "ms.exporter.fullname" -}}
{{- include "ms.component.fullname" (list . .Values.exporter) -}}
{{- end -}}

{{- define "ms.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride -}}
{{- end -}}

{{/*
Common labels
*/}}
{{- define "ms.common.matchLabels" -}}
app.kubernetes.io/name: {{ include "ms.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ms.common.metaLabels" -}}
app.kubernetes.io/version: {{ .Chart.AppVersion }}
helm.sh/chart: {{ include "ms.chart" . }}
app.kubernetes.io/part-of: {{ include "ms.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "ms.component.matchLabels" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
app.kubernetes.io/component: {{ $component.name }}
{{ include "ms.common.matchLabels" $root }}
{{- end -}}

{{- define "ms.component.labels" -}}
{{ include "ms.component.matchLabels" . }}
{{ include "ms.common.metaLabels" (index . 0) }}
{{- end -}}

{{- define "ms.server.labels" -}}
{{ include "ms.component.labels" (list . .Values.server) }}
{{- end -}}

{{- define "ms.server.matchLabels" -}}
{{ include "ms.component.matchLabels" (list . .Values.server) }}
{{- end -}}

{{- define "ms.alertmanager.labels" -}}
{{ include "ms.component.labels" (list . .Values.alertmanager) }}
{{- end -}}

{{- define "ms.alertmanager.matchLabels" -}}
{{ include "ms.component.matchLabels" (list . .Values.alertmanager) }}
{{- end -}}

{{- define "ms.exporter.labels" -}}
{{ include "ms.component.labels" (list . .Values.exporter) }}
{{- end -}}

{{- define "ms.exporter.matchLabels" -}}
{{ include "ms.component.matchLabels" (list . .Values.exporter) }}
{{- end -}}

{{/*
An image of a component, with the global registry: (dict "image" .Values.server.image "root" $)
*/}}
{{- define "ms.image" -}}
{{- $registry := .root.Values.global.imageRegistry | default .image.registry -}}
{{- $tag := .image.tag | default .root.Chart.AppVersion | toString -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "ms.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  {{- if eq (typeOf .) "map[string]interface {}" }}
  - {{ toYaml . | trim }}
  {{- else }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Service account names.
*/}}
{{- define "ms.serviceAccountName.server" -}}
{{- if .Values.serviceAccounts.server.create -}}
    {{ default (include "ms.server.fullname" .) .Values.serviceAccounts.server.name }}
{{- else -}}
    {{ default "default" .Values.serviceAccounts.server.name }}
{{- end -}}
{{- end -}}

{{- define "ms.serviceAccountName.alertmanager" -}}
{{- if .Values.serviceAccounts.alertmanager.create -}}
    {{ default (include "ms.alertmanager.fullname" .) .Values.serviceAccounts.alertmanager.name }}
{{- else -}}
    {{ default "default" .Values.serviceAccounts.alertmanager.name }}
{{- end -}}
{{- end -}}

{{/*
The server's flags: fixed ones, the list of extraFlags and the map of extraArgs.
*/}}
{{- define "ms.server.args" -}}
- --storage.tsdb.retention.time={{ .Values.server.retention }}
{{- if .Values.server.retentionSize }}
- --storage.tsdb.retention.size={{ .Values.server.retentionSize }}
{{- end }}
- --config.file=/etc/config/prometheus.yml
- --storage.tsdb.path=/data
{{- range .Values.server.extraFlags }}
- --{{ . }}
{{- end }}
{{- range $key, $value := .Values.server.extraArgs }}
{{- if kindIs "bool" $value }}
- --{{ $key }}{{ if not $value }}=false{{ end }}
{{- else }}
- --{{ $key }}={{ $value }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "ms.server.scrapeJob" -}}
- job_name: {{ .name }}
  {{- if eq .name "kubernetes-apiservers" }}
  kubernetes_sd_configs:
    - role: endpoints
  scheme: https
  relabel_configs:
    - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_service_name]
      action: keep
      regex: default;kubernetes
  {{- else if eq .name "kubernetes-nodes" }}
  kubernetes_sd_configs:
    - role: node
  relabel_configs:
    - action: labelmap
      regex: __meta_kubernetes_node_label_(.+)
  {{- else if hasPrefix "kubernetes-pods" .name }}
  kubernetes_sd_configs:
    - role: pod
  relabel_configs:
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
      action: keep
      regex: true
    - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
      action: replace
      regex: ([^:]+)(?::\d+)?;(\d+)
      replacement: $1:$2
      target_label: __address__
  {{- else }}
  kubernetes_sd_configs:
    - role: endpoints
  {{- end }}
{{- end -}}

{{/*
The configuration file of the server.
*/}}
{{- define "ms.server.config" -}}
global:
  scrape_interval: {{ .Values.global.scrapeInterval }}
  evaluation_interval: {{ .Values.global.evaluationInterval }}
rule_files:
  - /etc/config/recording-rules.yaml
{{- if .Values.alertmanager.enabled }}
alerting:
  alertmanagers:
    - static_configs:
        - targets:
            - {{ include "ms.alertmanager.fullname" . }}:9093
{{- end }}
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: [localhost:9090]
{{- range $name, $enabled := .Values.scrapeJobs }}
{{- if $enabled }}
{{ include "ms.server.scrapeJob" (dict "name" $name "root" $) | indent 2 }}
{{- end }}
{{- end }}
{{- with .Values.server.extraScrapeConfigs }}
{{ tpl . $ | indent 2 }}
{{- end }}
{{- with .Values.server.remoteWrite }}
remote_write:
{{ toYaml . | indent 2 }}
{{- end }}
{{- end -}}
