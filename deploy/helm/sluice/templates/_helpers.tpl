{{/* Names, labels and the pieces every role's pod shares. */}}

{{- define "sluice.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sluice.fullname" -}}
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

{{/* The name of one role's objects: <fullname>-<role>. */}}
{{- define "sluice.roleName" -}}
{{- printf "%s-%s" (include "sluice.fullname" .root) .role | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sluice.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "sluice.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sluice
{{- end }}

{{/* Selector labels of one role: {root, role}. */}}
{{- define "sluice.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sluice.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{- define "sluice.roleLabels" -}}
{{ include "sluice.labels" .root }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{- define "sluice.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "sluice.secretName" -}}
{{- default (printf "%s-secrets" (include "sluice.fullname" .)) .Values.existingSecret }}
{{- end }}

{{- define "sluice.configMapName" -}}
{{- printf "%s-config" (include "sluice.fullname" .) }}
{{- end }}

{{- define "sluice.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sluice.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The configuration every role reads: the ConfigMap's settings, then the secrets by key (so an
existing Secret may hold other keys too).
*/}}
{{- define "sluice.env" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "sluice.secretName" . }}
      key: {{ .Values.secretKeys.databaseUrl }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "sluice.secretName" . }}
      key: {{ .Values.secretKeys.redisUrl }}
- name: SLUICE_JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "sluice.secretName" . }}
      key: {{ .Values.secretKeys.jwtSecret }}
- name: SLUICE_CREDENTIAL_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "sluice.secretName" . }}
      key: {{ .Values.secretKeys.credentialKey }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "sluice.envFrom" -}}
- configMapRef:
    name: {{ include "sluice.configMapName" . }}
{{- end }}

{{/* The data directory and /tmp: the only writable places (the root filesystem is read-only). */}}
{{- define "sluice.volumeMounts" -}}
- name: data
  mountPath: /var/lib/sluice
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "sluice.volumes" -}}
- name: data
  emptyDir:
    sizeLimit: {{ .sizeLimit | default "64Mi" }}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}

{{/* Probes on the role's real endpoints: {port name}. */}}
{{- define "sluice.probes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: {{ . }}
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /healthz
    port: {{ . }}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: {{ . }}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end }}
