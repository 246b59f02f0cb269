{{- define "ic.kubeVersion" -}}
{{- default .Capabilities.KubeVersion.GitVersion .Values.kubeVersionOverride -}}
{{- end -}}

{{- define "ic.ingress.apiVersion" -}}
{{- if and (.Capabilities.APIVersions.Has "networking.k8s.io/v1") (semverCompare ">= 1.19-0" (include "ic.kubeVersion" .)) -}}
networking.k8s.io/v1
{{- else if semverCompare ">=1.14-0" (include "ic.kubeVersion" .) -}}
networking.k8s.io/v1beta1
{{- else -}}
extensions/v1beta1
{{- end -}}
{{- end -}}

{{- define "ic.ingress.isStable" -}}
{{- eq (include "ic.ingress.apiVersion" .) "networking.k8s.io/v1" -}}
{{- end -}}

{{- define "ic.ingress.supportsIngressClassName" -}}
{{- semverCompare ">=1.18-0" (include "ic.kubeVersion" .) -}}
{{- end -}}

{{- define "ic.ingress.backend" -}}
{{- $apiVersion := (include "ic.ingress.apiVersion" .context) -}}
{{- if or (eq $apiVersion "extensions/v1beta1") (eq $apiVersion "networking.k8s.io/v1beta1") -}}
serviceName: {{ .serviceName }}
servicePort: {{ .servicePort }}
{{- else -}}
service:
  name: {{ .serviceName }}
  port:
    {{- if typeIs "string" .servicePort }}
    name: {{ .servicePort }}
    {{- else if or (typeIs "int" .servicePort) (typeIs "float64" .servicePort) }}
    number: {{ .servicePort | int }}
    {{- end }}
{{- end -}}
{{- end -}}
