{{- define "tenants.ns" -}}
{{- printf "%s-%s" .root.Values.prefix (.name | lower) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
