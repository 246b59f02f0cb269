{{/* A define written without trim markers keeps its newlines */}}
{{ define "ws.loose" }}
loose: {{ .Release.Name }}
{{ end }}

{{- define "ws.tight" -}}
tight: {{ .Release.Name }}
{{- end -}}

{{- define "ws.labels" }}
{{- range $k, $v := . }}
    {{ $k }}: {{ $v | quote }}
{{- end }}
{{- end }}

{{- define "ws.nested" -}}
outer:
  {{- include "ws.tight" .root | nindent 2 }}
  inner: {{ .value }}
{{- end -}}
