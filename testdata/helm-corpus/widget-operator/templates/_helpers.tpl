{{- define "widget-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "widget-operator.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "widget-operator.webhookName" -}}
{{ include "widget-operator.fullname" . }}-webhook
{{- end -}}

{{- define "widget-operator.rbacKind" -}}
{{- ternary "ClusterRole" "Role" .Values.rbac.clusterWide -}}
{{- end -}}
