{{- define "redisha.labels" -}}
app.kubernetes.io/name: redisha-operator
app.kubernetes.io/part-of: redisha
{{- end }}
{{- define "redisha.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end }}
