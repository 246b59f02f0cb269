{{- define "catalog.image" -}}
{{ include "kit.images.image" (dict "imageRoot" .Values.image "global" .Values.global "chart" .Chart) }}
{{- end -}}

{{- define "catalog.imagePullSecrets" -}}
{{- include "kit.images.pullSecrets" (dict "images" (list .Values.image) "global" .Values.global) -}}
{{- end -}}

{{- define "catalog.validateValues" -}}
{{- $messages := list -}}
{{- $messages := append $messages (include "kit.validations.required" (dict "value" .Values.db.host "name" "db.host" "context" .)) -}}
{{- $messages := append $messages (include "kit.validations.oneOf" (dict "value" .Values.mode "name" "mode" "allowed" (list "standalone" "replicated"))) -}}
{{- $messages := without $messages "" -}}
{{- $message := join "\n" $messages -}}
{{- if $message -}}
{{-   printf "\nVALUES VALIDATION:\n%s" $message | fail -}}
{{- end -}}
{{- end -}}

{{- define "catalog.databaseUrl" -}}
{{- printf "postgres://%s@%s:%d/%s" .Values.db.user .Values.db.host (int .Values.db.port) .Values.db.name -}}
{{- end -}}

{{- define "catalog.configData" -}}
DB_HOST: {{ .Values.db.host | quote }}
DB_PORT: {{ .Values.db.port | quote }}
DB_NAME: {{ .Values.db.name | quote }}
WORKER_QUEUES: {{ .Values.worker.queues | uniq | join "," | quote }}
METRICS_PORT: {{ .Values.containerPorts.metrics | toString | quote }}
{{- end -}}
