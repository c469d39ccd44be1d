// Every generated file, by its path from the repository root, as data: monitoring/build.sh has
// jsonnet write each as JSON and monitoring/render.py give it its final form (JSON or YAML).
// `overrides` is merged into config.libsonnet (std.mergePatch), e.g. short alert durations.
//
// Prometheus loads ops/prometheus/rules/*.yaml. Alerts sit in one group with the recording
// rules they read: rules of a group are evaluated in order, so an alert never reads a recorded
// value from an older evaluation.
function(overrides={})
  local cfg = std.mergePatch(import 'config.libsonnet', overrides);
  local rules = (import 'rules.libsonnet')(cfg);
  local alerts = (import 'alerts.libsonnet')(cfg);
  {
    'ops/prometheus/rules/kpi.yaml': { groups: rules.kpiGroups },
    'ops/prometheus/rules/pipeline.yaml':
      { groups: [{ name: 'kinerja.pipeline', rules: rules.pipeline + alerts.pipeline }] },
    'ops/prometheus/rules/data-quality.yaml':
      { groups: [{ name: 'kinerja.data-quality', rules: rules.dataQuality + alerts.dataQuality }] },
    'dashboards/kinerja-agency-performance.json':
      (import 'dashboards/agency.libsonnet')(cfg),
    'dashboards/kinerja-national-overview.json':
      (import 'dashboards/national.libsonnet')(cfg),
    'dashboards/kinerja-pipeline-health.json':
      (import 'dashboards/pipeline.libsonnet')(cfg),
  }
