{{/* The name of one service: ms.name (dict "root" $ "name" "cart") */}}
{{- define "ms.name" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ms.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "ms.labels" -}}
{{ include "ms.selector" . }}
app.kubernetes.io/part-of: {{ .root.Chart.Name }}
app.kubernetes.io/version: {{ include "ms.tag" . | quote }}
{{- end -}}

{{- define "ms.tag" -}}
{{- .root.Values.global.tag | default .root.Chart.AppVersion -}}
{{- end -}}

{{/* The effective settings of one service: defaults under its own values. */}}
{{- define "ms.settings" -}}
{{- $svc := .svc | default dict -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.defaults) $svc) -}}
{{- end -}}

{{- define "ms.env" -}}
{{- $env := merge (dict) (.svc.env | default dict) .root.Values.global.env -}}
{{- range $k := keys $env | sortAlpha }}
- name: {{ $k }}
  value: {{ get $env $k | toString | quote }}
{{- end }}
{{- with .svc.dependsOn }}
- name: DEPENDS_ON
  value: {{ join "," . | quote }}
{{- end }}
{{- end -}}

{{- define "ms.deployment" -}}
{{- $s := include "ms.settings" . | fromYaml -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "ms.name" . }}
  labels: {{- include "ms.labels" . | nindent 4 }}
spec:
  {{- if not $s.hpa }}
  replicas: {{ $s.replicas }}
  {{- end }}
  selector:
    matchLabels: {{- include "ms.selector" . | nindent 6 }}
  template:
    metadata:
      labels: {{- include "ms.labels" . | nindent 8 }}
    spec:
      containers:
        - name: {{ .name }}
          image: {{ printf "%s/%s:%s" .root.Values.global.registry .name (include "ms.tag" .) }}
          ports:
            - name: http
              containerPort: {{ $s.port }}
          env: {{- include "ms.env" (dict "root" .root "svc" $s) | nindent 12 }}
          {{- if $s.probes }}
          readinessProbe:
            httpGet: {path: /ready, port: http}
          livenessProbe:
            httpGet: {path: /live, port: http}
          {{- end }}
          resources: {{- toYaml $s.resources | nindent 12 }}
{{- end -}}

{{- define "ms.service" -}}
{{- $s := include "ms.settings" . | fromYaml -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "ms.name" . }}
  labels: {{- include "ms.labels" . | nindent 4 }}
spec:
  selector: {{- include "ms.selector" . | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: {{ $s.port }}
{{- end -}}
