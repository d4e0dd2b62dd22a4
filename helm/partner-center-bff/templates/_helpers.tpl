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
Fleet mode: "true" when a Redis is configured; one topology only.
*/}}
{{- define "partner-center-bff.fleet" -}}
{{- $r := .Values.redis -}}
{{- $standalone := or $r.url $r.host -}}
{{- $count := 0 -}}
{{- if $standalone }}{{ $count = add1 $count }}{{ end -}}
{{- if $r.sentinel.master }}{{ $count = add1 $count }}{{ end -}}
{{- if $r.cluster.nodes }}{{ $count = add1 $count }}{{ end -}}
{{- if gt $count 1 -}}
{{- fail "redis: set one of url or host (one Redis), sentinel.master and sentinel.nodes (Sentinel), cluster.nodes (Cluster)" -}}
{{- end -}}
{{- if and $r.sentinel.master (not $r.sentinel.nodes) -}}
{{- fail "redis.sentinel.nodes: Sentinel needs the sentinels, host:port" -}}
{{- end -}}
{{- if gt $count 0 }}true{{ end -}}
{{- end -}}

{{/*
The Redis ports of fleet mode, comma-separated: the URL's or redis.port (the master's, with Sentinel), the
sentinels', the cluster nodes'.
*/}}
{{- define "partner-center-bff.redisPorts" -}}
{{- $r := .Values.redis -}}
{{- $ports := list -}}
{{- if $r.cluster.nodes -}}
{{- range $r.cluster.nodes }}{{ $ports = append $ports (last (splitList ":" .)) }}{{ end -}}
{{- else if $r.url -}}
{{- $hostPort := splitList ":" (urlParse $r.url).host -}}
{{- $ports = append $ports (ternary (last $hostPort) "6379" (gt (len $hostPort) 1)) -}}
{{- else -}}
{{- $ports = append $ports (toString $r.port) -}}
{{- end -}}
{{- range $r.sentinel.nodes }}{{ $ports = append $ports (last (splitList ":" .)) }}{{ end -}}
{{- $ports | uniq | join "," -}}
{{- end -}}
