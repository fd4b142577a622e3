{{/*
Shared names, labels and derived settings of the cx-stream chart. Templates take every name, label,
state directory, job argument, Flink option and metric selector from here, so each is decided once.
*/}}

{{/*
Chart name, or nameOverride.
*/}}
{{- define "cx-stream.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: <release>-<chart>, or the release name when it already contains the chart name, or
fullnameOverride. It names every object and is the FlinkDeployment name, which Flink uses as the
Kubernetes cluster id: Flink allows at most 45 characters there (it derives service names from it).
*/}}
{{- define "cx-stream.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 45 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "cx-stream.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: the stable subset that identifies this release's pods (PodMonitor selector).
*/}}
{{- define "cx-stream.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cx-stream.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Common labels, on every object.
*/}}
{{- define "cx-stream.labels" -}}
{{ include "cx-stream.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/part-of: cx-stream
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "cx-stream.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Labels of the Flink pods (the FlinkDeployment's podTemplate). Deliberately without the chart and app
versions: the operator redeploys the job (savepoint, stop, restore) on any podTemplate change, and a chart
version bump alone must not do that.
*/}}
{{- define "cx-stream.podLabels" -}}
{{- $labels := include "cx-stream.selectorLabels" . | fromYaml }}
{{- $labels = merge $labels .Values.pod.labels .Values.commonLabels (dict "app.kubernetes.io/part-of" "cx-stream") }}
{{- toYaml $labels }}
{{- end }}

{{/*
ServiceAccount the Flink pods run as.
*/}}
{{- define "cx-stream.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cx-stream.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "flink" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference: repository:tag, or repository@digest when a digest is set.
*/}}
{{- define "cx-stream.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}
{{- end }}

{{/*
Name of the PVC holding file:// state.
*/}}
{{- define "cx-stream.stateClaimName" -}}
{{- default (printf "%s-state" (include "cx-stream.fullname" .)) .Values.state.persistence.existingClaim }}
{{- end }}

{{/*
State directories: each explicit value, or <state.dir>/<sub-directory>.
*/}}
{{- define "cx-stream.stateSubDir" -}}
{{- $dir := .root.Values.state.dir | default "" | trimSuffix "/" }}
{{- if $dir }}{{ printf "%s/%s" $dir .sub }}{{ end }}
{{- end }}

{{- define "cx-stream.checkpointDir" -}}
{{- .Values.state.checkpointDir | default (include "cx-stream.stateSubDir" (dict "root" . "sub" "checkpoints")) }}
{{- end }}

{{- define "cx-stream.savepointDir" -}}
{{- .Values.state.savepointDir | default (include "cx-stream.stateSubDir" (dict "root" . "sub" "savepoints")) }}
{{- end }}

{{- define "cx-stream.haStorageDir" -}}
{{- .Values.highAvailability.storageDir | default (include "cx-stream.stateSubDir" (dict "root" . "sub" "ha")) }}
{{- end }}

{{/*
The JVM option Avro needs in every Flink JVM to deserialize the job's generated classes (Avro >= 1.11.4
trusts no package by default). Always set; user options are appended.
*/}}
{{- define "cx-stream.avroJavaOpt" -}}
-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.cxstream.avro
{{- end }}

{{/*
Whether a Kafka client property name looks like it holds a secret. Such properties must come from a
Secret (kafka.secretProperties), never from job arguments, which anyone who can read the
FlinkDeployment (or the Flink web UI) sees. Paths and URLs (…file, …location, …url) are not secrets.
*/}}
{{- define "cx-stream.looksSecret" -}}
{{- if and (regexMatch "(?i)(password|passwd|jaas|secret|private|credentials?$|[.]key$)" .) (not (regexMatch "(?i)[.](file|location|url|path|type)$" .)) }}true{{ end }}
{{- end }}

{{/*
Env var the job reads a secret Kafka property from: CX_KAFKA_<PROPERTY_IN_UPPER_SNAKE>.
*/}}
{{- define "cx-stream.kafkaSecretEnvName" -}}
{{- printf "CX_KAFKA_%s" (. | upper | replace "." "_" | replace "-" "_") }}
{{- end }}

{{/*
Job arguments as a YAML map key -> value: settings from the values, then Kafka properties
(kafka.<property>), detector settings (detect.<key>), the truststore location, and last job.extraArgs,
which override the others. Empty values are left out so the job's default applies.
*/}}
{{- define "cx-stream.argsMap" -}}
{{- $v := .Values }}
{{- $args := dict
    "bootstrap-servers" $v.kafka.bootstrapServers
    "group-id" $v.kafka.groupId
    "delivery-guarantee" $v.kafka.deliveryGuarantee
    "transactional-id-prefix" $v.kafka.transactionalIdPrefix
    "topic.interactions" $v.kafka.topics.interactions
    "topic.feedback" $v.kafka.topics.feedback
    "topic.consents" $v.kafka.topics.consents
    "topic.outreach.contact-center" $v.kafka.topics.outreachContactCenter
    "topic.outreach.marketing" $v.kafka.topics.outreachMarketing
    "topic.deadletter" $v.kafka.topics.deadletter
    "topic.rules" $v.kafka.topics.rules
    "topic.rules-status" $v.kafka.topics.rulesStatus
    "checkpoint.interval" $v.processing.checkpointInterval
    "state.ttl" $v.processing.stateTtl
    "outreach.cooldown" $v.processing.outreachCooldown
    "input-format" $v.processing.inputFormat
    "output-format" $v.processing.outputFormat
}}
{{- range $k, $val := $v.kafka.properties }}
{{- $_ := set $args (printf "kafka.%s" $k) $val }}
{{- end }}
{{- with $v.kafka.truststore }}
{{- if .secretName }}
{{- $_ := set $args "kafka.ssl.truststore.location" (printf "%s/%s" (trimSuffix "/" .mountPath) .key) }}
{{- $_ := set $args "kafka.ssl.truststore.type" .type }}
{{- end }}
{{- end }}
{{- range $k, $val := $v.detectors }}
{{- $_ := set $args (printf "detect.%s" $k) $val }}
{{- end }}
{{- range $k, $val := $v.job.extraArgs }}
{{- $_ := set $args (trimPrefix "--" $k) $val }}
{{- end }}
{{- range $k, $val := $args }}
{{- if and (kindIs "string" $val) (eq $val "") }}
{{- $_ := unset $args $k }}
{{- else if kindIs "invalid" $val }}
{{- $_ := unset $args $k }}
{{- end }}
{{- end }}
{{- toYaml $args }}
{{- end }}

{{/*
Job arguments as the list the FlinkDeployment takes: --key, value, ... in key order.
*/}}
{{- define "cx-stream.args" -}}
{{- $args := include "cx-stream.argsMap" . | fromYaml }}
{{- range $k := keys $args | sortAlpha }}
- {{ printf "--%s" $k | quote }}
- {{ get $args $k | toString | quote }}
{{- end }}
{{- end }}

{{/*
Flink configuration: the chart's defaults (task slots, RocksDB, checkpoint/savepoint dirs, HA, the
Prometheus reporters: cx-stream's for the job's cx_* metrics, Flink's for its system metrics without
them), then flink.config over them, then env.java.opts.all with the Avro option first.
All values are strings, as Flink's configuration map expects.
*/}}
{{- define "cx-stream.flinkConfiguration" -}}
{{- $v := .Values }}
{{- $conf := dict
    "taskmanager.numberOfTaskSlots" $v.taskManager.taskSlots
    "state.backend.type" "rocksdb"
    "execution.checkpointing.incremental" $v.state.incrementalCheckpoints
    "execution.checkpointing.dir" (include "cx-stream.checkpointDir" .)
    "execution.checkpointing.savepoint-dir" (include "cx-stream.savepointDir" .)
    "execution.checkpointing.externalized-checkpoint-retention" $v.state.retention
}}
{{- if $v.highAvailability.enabled }}
{{- $_ := set $conf "high-availability.type" "kubernetes" }}
{{- $_ := set $conf "high-availability.storageDir" (include "cx-stream.haStorageDir" .) }}
{{- end }}
{{- if $v.metrics.enabled }}
{{- $_ := set $conf "metrics.reporter.cx.factory.class" "io.cxstream.metrics.prometheus.CxPrometheusReporterFactory" }}
{{- $_ := set $conf "metrics.reporter.cx.port" $v.metrics.port }}
{{- $_ := set $conf "metrics.reporter.cx.max-series-per-metric" $v.metrics.maxSeriesPerMetric }}
{{- $_ := set $conf "metrics.reporter.prom.factory.class" "org.apache.flink.metrics.prometheus.PrometheusReporterFactory" }}
{{- $_ := set $conf "metrics.reporter.prom.port" $v.metrics.flinkPort }}
{{- $_ := set $conf "metrics.reporter.prom.filter.excludes" "*:cx_*" }}
{{- end }}
{{- range $k, $val := $v.flink.config }}
{{- $_ := set $conf $k $val }}
{{- end }}
{{- $opts := list (include "cx-stream.avroJavaOpt" .) }}
{{- with (include "cx-stream.gcJavaOpt" .) }}{{ $opts = append $opts . }}{{ end }}
{{- with (get $v.flink.config "env.java.opts.all") }}{{ $opts = append $opts (toString .) }}{{ end }}
{{- with $v.flink.javaOpts }}{{ $opts = append $opts . }}{{ end }}
{{- $_ := set $conf "env.java.opts.all" (join " " ($opts | uniq)) }}
{{- range $k := keys $conf | sortAlpha }}
{{ $k }}: {{ get $conf $k | toString | quote }}
{{- end }}
{{- end }}

{{/*
Environment of flink-main-container: one secretKeyRef per secret Kafka property, the built-in plugins
to enable, then pod.extraEnv.
*/}}
{{- define "cx-stream.env" -}}
{{- range $prop, $ref := .Values.kafka.secretProperties }}
- name: {{ include "cx-stream.kafkaSecretEnvName" $prop }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "kafka.secretProperties.%s.secretName is required" $prop) $ref.secretName | quote }}
      key: {{ required (printf "kafka.secretProperties.%s.key is required" $prop) $ref.key | quote }}
{{- end }}
{{- with .Values.flink.builtInPlugins }}
- name: ENABLE_BUILT_IN_PLUGINS
  value: {{ join ";" . | quote }}
{{- end }}
{{- with .Values.pod.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
PromQL label matchers selecting this release's series.
*/}}
{{- define "cx-stream.promSelector" -}}
{{- if .Values.metrics.selector }}
{{- .Values.metrics.selector }}
{{- else }}
{{- printf "namespace=%q, pod=~%q" .Release.Namespace (printf "%s-.*" (include "cx-stream.fullname" .)) }}
{{- end }}
{{- end }}

{{/*
Prometheus name of a metric from metrics.names, failing the rendering if it is missing.
Usage: include "cx-stream.metricName" (list $ "eventsIn")
*/}}
{{- define "cx-stream.metricName" -}}
{{- $root := index . 0 }}
{{- $key := index . 1 }}
{{- required (printf "metrics.names.%s is required" $key) (get $root.Values.metrics.names $key) }}
{{- end }}

{{/*
The JVM option that selects flink.garbageCollector, or nothing when it is "".
*/}}
{{- define "cx-stream.gcJavaOpt" -}}
{{- $gc := .Values.flink.garbageCollector }}
{{- if eq $gc "parallel" }}-XX:+UseParallelGC{{ else if eq $gc "g1" }}-XX:+UseG1GC{{ end }}
{{- end }}

{{/*
Checks that fail the rendering with a message naming the value to fix. They mirror the operator's own
validation (so a bad combination fails at `helm install`, not later in the operator's status) and keep
secrets out of job arguments.
*/}}
{{- define "cx-stream.validate" -}}
{{- $v := .Values }}
{{- if not $v.kafka.bootstrapServers }}
{{- fail "kafka.bootstrapServers is required" }}
{{- end }}
{{- if and (ne $v.job.upgradeMode "stateless") (not (include "cx-stream.checkpointDir" .)) }}
{{- fail (printf "job.upgradeMode %s needs a checkpoint directory: set state.dir or state.checkpointDir" $v.job.upgradeMode) }}
{{- end }}
{{- if and (eq $v.job.upgradeMode "savepoint") (not (include "cx-stream.savepointDir" .)) }}
{{- fail "job.upgradeMode savepoint needs a savepoint directory: set state.dir or state.savepointDir" }}
{{- end }}
{{- if and (eq $v.job.upgradeMode "last-state") (not $v.highAvailability.enabled) }}
{{- fail "job.upgradeMode last-state needs highAvailability.enabled=true" }}
{{- end }}
{{- if and (gt (int $v.jobManager.replicas) 1) (not $v.highAvailability.enabled) }}
{{- fail "jobManager.replicas > 1 needs highAvailability.enabled=true" }}
{{- end }}
{{- if and $v.highAvailability.enabled (not (include "cx-stream.haStorageDir" .)) }}
{{- fail "highAvailability.enabled needs a storage directory: set state.dir or highAvailability.storageDir" }}
{{- end }}
{{- $mount := printf "file://%s" ($v.state.persistence.mountPath | trimSuffix "/") }}
{{- $dirs := list (include "cx-stream.checkpointDir" .) (include "cx-stream.savepointDir" .) }}
{{- if $v.highAvailability.enabled }}{{ $dirs = append $dirs (include "cx-stream.haStorageDir" .) }}{{ end }}
{{- range $dir := $dirs }}
{{- if and (hasPrefix "file://" $dir) (not $v.pod.extraVolumes) }}
{{- if not $v.state.persistence.enabled }}
{{- fail (printf "state directory %s is on the pods' local disk: enable state.persistence, mount a shared volume with pod.extraVolumes, or use an object store" $dir) }}
{{- end }}
{{- if not (or (eq $dir $mount) (hasPrefix (printf "%s/" $mount) $dir)) }}
{{- fail (printf "state directory %s is outside the state volume mounted at %s" $dir $v.state.persistence.mountPath) }}
{{- end }}
{{- end }}
{{- end }}
{{- range $k, $_ := $v.kafka.properties }}
{{- if include "cx-stream.looksSecret" $k }}
{{- fail (printf "kafka.properties.%s looks like a secret: job arguments are readable by anyone who can read the FlinkDeployment; put it in kafka.secretProperties (read from a Secret)" $k) }}
{{- end }}
{{- end }}
{{- range $k, $_ := $v.job.extraArgs }}
{{- if and (hasPrefix "kafka." (trimPrefix "--" $k)) (include "cx-stream.looksSecret" $k) }}
{{- fail (printf "job.extraArgs.%s looks like a secret: put it in kafka.secretProperties (read from a Secret)" $k) }}
{{- end }}
{{- end }}
{{- if $v.flink.garbageCollector }}
{{- $jvmOpts := list ($v.flink.javaOpts | default "") }}
{{- range $k := list "env.java.opts.all" "env.java.opts.taskmanager" "env.java.opts.jobmanager" }}
{{- $jvmOpts = append $jvmOpts (get $v.flink.config $k | default "" | toString) }}
{{- end }}
{{- $gcOpt := regexFind "-XX:[+]Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC\\b" (join " " $jvmOpts) }}
{{- if $gcOpt }}
{{- fail (printf "flink.garbageCollector is %s and the JVM options select %s as well (flink.javaOpts or env.java.opts.* in flink.config): set flink.garbageCollector to \"\" to choose the collector there" $v.flink.garbageCollector $gcOpt) }}
{{- end }}
{{- end }}
{{- if and (eq $v.kafka.deliveryGuarantee "exactly-once") (not $v.kafka.transactionalIdPrefix) }}
{{- fail "kafka.deliveryGuarantee exactly-once needs kafka.transactionalIdPrefix" }}
{{- end }}
{{- end }}
