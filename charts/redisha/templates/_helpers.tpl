{{- define "redisha.labels" -}}
app.kubernetes.io/name: redisha-operator
app.kubernetes.io/part-of: redisha
{{- end }}
{{- define "redisha.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end }}
{{/* The operator's admin configuration (--admin-config), from the values hooks and agentTolerations. */}}
{{- define "redisha.adminConfig" -}}
hooks:
{{- if .Values.hooks }}
{{ toYaml .Values.hooks | indent 2 }}
{{- else }} {}
{{- end }}
agentTolerations:
{{- if .Values.agentTolerations }}
{{ toYaml .Values.agentTolerations }}
{{- else }} []
{{- end }}
{{- end }}
{{/* Rules the operator needs where it manages pairs: cluster-wide or in each watched namespace. */}}
{{- define "redisha.pairRules" -}}
- apiGroups: [redisha.io]
  resources: [redishapairs]
  verbs: [get, list, watch, patch, update]
- apiGroups: [redisha.io]
  resources: [redishapairs/status]
  verbs: [get, patch, update]
- apiGroups: [redisha.io]
  resources: [redishapairs/finalizers]
  verbs: [update]
- apiGroups: [apps]
  resources: [daemonsets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [""]
  resources: [configmaps, serviceaccounts]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [roles, rolebindings]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, list, watch, create, update, patch]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
# The agents' token Secret of each pair: created once, never read back, so no get/list/watch.
- apiGroups: [""]
  resources: [secrets]
  verbs: [create]
{{- end }}
