{{- define "pg.fullname" -}}
{{- printf "%s-%s" .Release.Name (.Chart.Name | replace "-lite" "") | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pg.secretName" -}}
{{- if .Values.auth.existingSecret -}}
{{- tpl .Values.auth.existingSecret . -}}
{{- else -}}
{{- include "pg.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "pg.storageClass" -}}
{{- $sc := .persistence.storageClass -}}
{{- if $sc -}}
{{- if eq "-" $sc -}}
storageClassName: ""
{{- else -}}
storageClassName: {{ $sc | quote }}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "pg.validate" -}}
{{- if not (or (eq .Values.architecture "standalone") (eq .Values.architecture "replication")) -}}
{{- fail (printf "architecture must be standalone or replication, not %q" .Values.architecture) -}}
{{- end -}}
{{- if and (not .Values.auth.existingSecret) (not .Values.auth.password) -}}
{{- fail "auth.password or auth.existingSecret is required" -}}
{{- end -}}
{{- end -}}

{{- define "pg.statefulset" -}}
{{- $role := .role -}}
{{- $ctx := .context -}}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ include "pg.fullname" $ctx }}-{{ $role }}
  labels:
    app.kubernetes.io/name: postgresql
    app.kubernetes.io/component: {{ $role }}
spec:
  replicas: {{ .replicas }}
  serviceName: {{ include "pg.fullname" $ctx }}-hl
  selector:
    matchLabels:
      app.kubernetes.io/name: postgresql
      app.kubernetes.io/component: {{ $role }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: postgresql
        app.kubernetes.io/component: {{ $role }}
    spec:
      containers:
        - name: postgresql
          image: postgres:{{ $ctx.Chart.AppVersion }}
          env:
            - name: POSTGRES_USER
              value: {{ required "auth.username is required" $ctx.Values.auth.username | quote }}
            - name: POSTGRES_DB
              value: {{ $ctx.Values.auth.database | quote }}
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ include "pg.secretName" $ctx }}
                  key: password
            {{- if eq $role "read" }}
            - name: POSTGRES_PRIMARY_HOST
              value: {{ include "pg.fullname" $ctx }}-primary-0.{{ include "pg.fullname" $ctx }}-hl
            {{- end }}
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
            - name: config
              mountPath: /etc/postgresql/conf.d
            {{- if $ctx.Values.primary.initdb.scripts }}
            - name: initdb
              mountPath: /docker-entrypoint-initdb.d
            {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ include "pg.fullname" $ctx }}-config
        {{- if $ctx.Values.primary.initdb.scripts }}
        - name: initdb
          configMap:
            name: {{ include "pg.fullname" $ctx }}-initdb
        {{- end }}
  {{- with $ctx.Values.primary.persistence }}
  {{- if .enabled }}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes:
          {{- range .accessModes }}
          - {{ . | quote }}
          {{- end }}
        {{- include "pg.storageClass" (dict "persistence" .) | nindent 8 }}
        resources:
          requests:
            storage: {{ .size | quote }}
  {{- end }}
  {{- end }}
{{- end -}}
