{{- define "cron-jobs.jobName" -}}
{{- printf "%s-%s" .root.Release.Name (.job.name | lower | replace "_" "-") | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "cron-jobs.image" -}}
{{- $img := .job.image | default .root.Values.image -}}
{{- printf "%s:%s" $img.repository (toString $img.tag) -}}
{{- end -}}
