{{- define "kit.affinities.pods.soft" -}}
{{- $component := default "" .component -}}
{{- $customLabels := default (dict) .customLabels -}}
{{- $extraLabels := default (dict) .extraMatchLabels -}}
{{- $weight := int (default 1 .weight) -}}
preferredDuringSchedulingIgnoredDuringExecution:
  - podAffinityTerm:
      labelSelector:
        matchLabels: {{- (include "kit.labels.matchLabels" ( dict "customLabels" $customLabels "context" .context )) | nindent 10 }}
          {{- if not (empty $component) }}
          {{ printf "app.kubernetes.io/component: %s" $component }}
          {{- end }}
          {{- range $key, $value := $extraLabels }}
          {{ $key }}: {{ $value | quote }}
          {{- end }}
      topologyKey: {{ default "kubernetes.io/hostname" .topologyKey }}
    weight: {{ $weight }}
{{- end -}}

{{- define "kit.affinities.pods.hard" -}}
{{- $component := default "" .component -}}
{{- $customLabels := default (dict) .customLabels -}}
requiredDuringSchedulingIgnoredDuringExecution:
  - labelSelector:
      matchLabels: {{- (include "kit.labels.matchLabels" ( dict "customLabels" $customLabels "context" .context )) | nindent 8 }}
        {{- if not (empty $component) }}
        {{ printf "app.kubernetes.io/component: %s" $component }}
        {{- end }}
    topologyKey: {{ default "kubernetes.io/hostname" .topologyKey }}
{{- end -}}

{{- define "kit.affinities.pods" -}}
  {{- if eq .type "soft" }}
    {{- include "kit.affinities.pods.soft" . -}}
  {{- else if eq .type "hard" -}}
    {{- include "kit.affinities.pods.hard" . -}}
  {{- end -}}
{{- end -}}
