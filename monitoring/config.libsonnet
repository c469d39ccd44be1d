// Everything a deployment may want to tune, in one place. The committed files under dashboards/
// and ops/prometheus/ are generated with these defaults by monitoring/build.sh; pass overrides
// with `build.sh --config '{"instanceDownFor": "5m"}'`. The end-to-end test renders the same
// rules with short durations (tests/e2e/monitoring_test.cc), so the expressions tested there are
// the ones shipped here.
{
  // The Prometheus job that scrapes Kinerja's /metrics.
  job: 'kinerja',
  // runbook_url of every alert is runbookUrlBase + '#' + the alert's anchor in ops/runbook.md.
  // Default: the file's path in this repository; set it to where your team serves the
  // repository (e.g. 'https://git.example.go.id/kinerja/-/blob/main/ops/runbook.md').
  runbookUrlBase: 'ops/runbook.md',

  dashboards: {
    tags: ['kinerja'],
    uids: {
      agency: 'kinerja-agency-performance',
      national: 'kinerja-national-overview',
      pipeline: 'kinerja-pipeline-health',
    },
    refresh: '1m',
  },

  // KPI targets (docs/kpis.md, ops/runbook.md): thresholds of the dashboards.
  targets: {
    // Everyone has an approved SKP, reports realisasi monthly with evidence.
    coverageAmber: 0.90,
    coverageGreen: 0.99,
    evidenceAmber: 0.80,
    evidenceGreen: 0.95,
    // Continuous feedback: every employee, every month.
    feedbackAmber: 0.50,
    feedbackGreen: 0.90,
    // 20 JP a year for everyone; the share reaches its target only late in the year.
    jpYearly: 20,
    jpShareAmber: 0.50,
    jpShareGreen: 0.90,
  },

  alerts: {
    instanceDownFor: '2m',
    absentFor: '5m',
    // Lag: high (messages, all partitions of the job) and still growing over the window.
    lagHighMessages: 100000,
    lagGrowthWindow: '15m',
    lagFor: '15m',
    // No progress: lag > 0 and no state commit for this many seconds.
    noProgressSeconds: 300,
    noProgressLookback: '1h',
    noProgressFor: '5m',
    // Dead letters: share of consumed messages dead-lettered, per reason.
    deadLetterRatio: 0.01,
    deadLetterWindow: '10m',
    deadLetterFor: '15m',
    // One agency: share of its messages dead-lettered.
    agencyDeadLetterRatio: 0.05,
    agencyDeadLetterMinMessages: 20,
    agencyDeadLetterFor: '1h',
    // A failed state commit (or a fatal Kafka error) ends the process by design.
    restartsMax: 3,
    restartWindow: '30m',
    commitP99Seconds: 1,
    commitSlowFor: '15m',
    eventAgeP99Seconds: 300,
    eventAgeFor: '15m',
    diskLowRatio: 0.15,
    diskLowFor: '15m',
    diskFillHorizonHours: 24,
    diskFillLookback: '6h',
    diskFillRatio: 0.40,
    diskFillFor: '1h',
    rebalancesMax: 10,
    rebalanceWindow: '1h',
    rebalanceFor: '5m',
    kafkaErrorWindow: '5m',
    kafkaErrorFor: '10m',
    // Data quality: an agency that published in the same 24 hours a week ago (at least this
    // many events) and nothing in the last 24 hours.
    silentMinEvents: 10,
    silentFor: '1h',
    withoutMasterDataMin: 100,
    withoutMasterDataRatio: 0.01,
    withoutMasterDataFor: '1h',
  },

  // Quantile windows of the recording rules.
  rateWindow: '5m',
}
