{{/* Expand the name of the chart. */}}
{{- define "partner-center-bff.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* A fully qualified app name, truncated to the 63 characters DNS names allow. */}}
{{- define "partner-center-bff.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "partner-center-bff.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "partner-center-bff.labels" -}}
helm.sh/chart: {{ include "partner-center-bff.chart" . }}
{{ include "partner-center-bff.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "partner-center-bff.selectorLabels" -}}
app.kubernetes.io/name: {{ include "partner-center-bff.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "partner-center-bff.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "partner-center-bff.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the client secret and refresh token: the operator's own, or the chart's. */}}
{{- define "partner-center-bff.secretName" -}}
{{- default (include "partner-center-bff.fullname" .) .Values.credentials.existingSecret }}
{{- end }}

{{/* More than one pod may run at once: then a disruption budget keeps one serving. */}}
{{- define "partner-center-bff.multiReplica" -}}
{{- if or (gt (int .Values.replicaCount) 1) (and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) 1)) }}true{{- end }}
{{- end }}

{{/*
The Redis port of fleet mode: the URL's, else redis.port.
*/}}
{{- define "partner-center-bff.redisPort" -}}
{{- if .Values.redis.url -}}
{{- $url := urlParse .Values.redis.url -}}
{{- $hostPort := splitList ":" $url.host -}}
{{- if gt (len $hostPort) 1 -}}{{ last $hostPort }}{{- else -}}6379{{- end -}}
{{- else -}}
{{ .Values.redis.port }}
{{- end -}}
{{- end -}}
