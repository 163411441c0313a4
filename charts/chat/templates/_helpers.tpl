{{/*
Chart name, cut to 63 characters (the DNS label limit).
*/}}
{{- define "chat.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified release name. When the release name already contains the chart name it is used alone,
so release "chat" gives "chat", not "chat-chat".
*/}}
{{- define "chat.fullname" -}}
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

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "chat.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels shared by every object of the release.
*/}}
{{- define "chat.labels" -}}
helm.sh/chart: {{ include "chat.chart" . }}
{{ include "chat.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ .Chart.Name }}
{{- end }}

{{/*
Selector labels of the release (never change them after the first install: Deployment selectors are immutable).
*/}}
{{- define "chat.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chat.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Per-service helpers. Call with (dict "root" $ "name" "<service key>").
*/}}
{{- define "chat.componentFullname" -}}
{{- printf "%s-%s" (include "chat.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "chat.componentLabels" -}}
{{ include "chat.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/*
Selector labels of one service: the component label makes each Service select only its own pods.
*/}}
{{- define "chat.componentSelectorLabels" -}}
{{ include "chat.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/*
Image reference of one service. Call with (dict "root" $ "svc" <service values>).
The tag falls back to image.tag, then to the chart's appVersion.
*/}}
{{- define "chat.image" -}}
{{- $img := .svc.image | default dict }}
{{- $registry := (get $img "registry") | default .root.Values.image.registry }}
{{- $tag := (get $img "tag") | default .root.Values.image.tag | default .root.Chart.AppVersion | toString }}
{{- if $registry }}
{{- printf "%s/%s:%s" $registry $img.repository $tag }}
{{- else }}
{{- printf "%s:%s" $img.repository $tag }}
{{- end }}
{{- end }}

{{/*
Environment variables read from existing Secrets. Call with (dict "root" $ "items" <list of {name, secret, key}>);
"secret" names an entry of .Values.secrets, which holds the real Secret name.
*/}}
{{- define "chat.secretEnv" -}}
{{- range .items }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "secrets.%s must name an existing Secret (used by %s)" .secret .name) (index $.root.Values.secrets .secret) }}
      key: {{ .key }}
      {{- if (get . "optional") }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}
