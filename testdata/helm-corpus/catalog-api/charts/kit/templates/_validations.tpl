{{/*
Fails when a required value is empty:
{{ include "kit.validations.required" (dict "value" .Values.db.host "name" "db.host" "context" $) }}
*/}}
{{- define "kit.validations.required" -}}
{{- if empty .value -}}
{{- fail (printf "\n%s is required: set it with --set %s=..." .name .name) -}}
{{- end -}}
{{- end -}}

{{- define "kit.validations.oneOf" -}}
{{- if not (has .value .allowed) -}}
{{- fail (printf "%s must be one of %s, got %v" .name (join ", " .allowed) .value) -}}
{{- end -}}
{{- end -}}
