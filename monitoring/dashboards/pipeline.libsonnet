// Pipeline health: what SREs watch. Totals on top, then per instance; thresholds are the
// alerts' (monitoring/alerts.libsonnet), so a red panel and a firing alert agree.
local g = import '../lib/grafana.libsonnet';

function(cfg)
  local a = cfg.alerts;
  local sel = 'job="$job", instance=~"$instance"';
  local ri = '$__rate_interval';
  local quantile(q, metric, by) =
    'histogram_quantile(%s, sum by (%s) (rate(%s_bucket{%s}[%s])))'
    % [q, std.join(', ', by + ['le']), metric, sel, ri];

  g.dashboard(
    cfg,
    cfg.dashboards.uids.pipeline,
    'Kinerja / Pipeline health',
    'Throughput, rejects, lag, latency, commits, state, rebalances, Kafka client errors and '
    + 'process resources of Kinerja, in total and per instance.',
    [
      g.datasourceVariable(),
      g.labelVariable('job', 'job', 'kinerja_build_info', 'The Prometheus job that scrapes Kinerja.'),
      g.labelVariable('instance',
                      'instance',
                      'kinerja_build_info{job="$job"}',
                      'Kinerja instances (All: the whole consumer group).',
                      includeAll=true,
                      multi=true),
    ],
    [
      [g.row('Now, all selected instances')],
      [
        g.stat('Instances up',
               'Instances Prometheus can scrape, of those it knows. Fewer than expected: see '
               + 'the KinerjaInstanceDown runbook.',
               g.instant('sum(up{%s})' % sel),
               'short'),
        g.stat('Events applied per second',
               'Events applied to state per second (not duplicates, not dead letters).',
               g.instant('sum(rate(kinerja_events_total{%s, outcome="applied"}[%s]))' % [sel, ri]),
               'ops',
               decimals=0),
        g.stat('Consumer lag',
               'Messages not yet applied, all owned partitions (high watermark minus committed '
               + 'offset). Red at the KinerjaConsumerLagHigh threshold.',
               g.instant('sum(kinerja_consumer_lag_messages{%s})' % sel),
               'short',
               g.limitThresholds(a.lagHighMessages / 10, a.lagHighMessages)),
        g.stat('Event age p99',
               "99th percentile of the time from an event's Kafka timestamp to its committed "
               + 'state: how far behind the dashboards are. Red at the KinerjaEventAgeHigh '
               + 'threshold.',
               g.instant(quantile('0.99', 'kinerja_event_age_seconds', [])),
               's',
               g.limitThresholds(a.eventAgeP99Seconds / 10, a.eventAgeP99Seconds)),
        g.stat('Dead letters per second',
               'Messages sent to the dead-letter topic per second; reasons below.',
               g.instant('sum(rate(kinerja_dead_letters_total{%s}[%s]))' % [sel, ri]),
               'ops',
               decimals=2),
        g.stat('Partitions owned',
               'Partitions assigned to the selected instances.',
               g.instant('sum(kinerja_assigned_partitions{%s})' % sel),
               'short'),
      ],
      [g.row('Throughput and rejects')],
      [
        g.timeseries('Events by type and outcome',
                     'Events consumed per second, by event type and outcome (applied, '
                     + 'duplicate: a publisher retry, dead_lettered).',
                     [g.range('sum by (type, outcome) (rate(kinerja_events_total{%s}[%s]))' % [sel, ri],
                              '{{type}} {{outcome}}')],
                     'ops',
                     stack=true,
                     min=0),
        g.timeseries('Dead letters by reason',
                     'Messages dead-lettered per second by reason (docs/events.md). Sustained '
                     + 'rejects raise KinerjaDeadLettersRising; the national overview shows the '
                     + 'publishing agency.',
                     [g.range('sum by (reason) (rate(kinerja_dead_letters_total{%s}[%s]))' % [sel, ri],
                              '{{reason}}')],
                     'ops',
                     stack=true,
                     min=0),
      ],
      [g.row('Lag and latency')],
      [
        g.timeseries('Consumer lag per partition',
                     'Messages behind per partition and owning instance. One partition far '
                     + 'behind the others: a hot key or a stuck instance.',
                     [g.range('sum by (instance, partition) (kinerja_consumer_lag_messages{%s})' % sel,
                              '{{instance}} p{{partition}}')],
                     'short',
                     min=0),
        g.timeseries('Event age',
                     'Kafka timestamp to committed state: 50th, 90th and 99th percentile. High '
                     + 'during a replay or backfill, otherwise a sign of a slow pipeline.',
                     [
                       g.range(quantile('0.5', 'kinerja_event_age_seconds', []), 'p50', 'A'),
                       g.range(quantile('0.9', 'kinerja_event_age_seconds', []), 'p90', 'B'),
                       g.range(quantile('0.99', 'kinerja_event_age_seconds', []), 'p99', 'C'),
                     ],
                     's',
                     g.limitThresholds(a.eventAgeP99Seconds / 10, a.eventAgeP99Seconds),
                     min=0),
      ],
      [
        g.timeseries('State commit duration',
                     "One atomic RocksDB write of a batch's state and offsets, p50 and p99 per "
                     + 'instance. Red at the KinerjaStateCommitsSlow threshold: a slow disk.',
                     [
                       g.range(quantile('0.5', 'kinerja_state_commit_seconds', ['instance']),
                               '{{instance}} p50',
                               'A'),
                       g.range(quantile('0.99', 'kinerja_state_commit_seconds', ['instance']),
                               '{{instance}} p99',
                               'B'),
                     ],
                     's',
                     g.limitThresholds(a.commitP99Seconds / 4, a.commitP99Seconds),
                     min=0),
        g.timeseries('Time since the last commit',
                     'Seconds since each instance last committed a batch. It grows while an '
                     + 'instance is idle (no lag) and is alarming only with lag: '
                     + 'KinerjaNoProgress.',
                     [g.range('time() - max by (instance) (kinerja_last_commit_timestamp_seconds{%s})' % sel,
                              '{{instance}}')],
                     's',
                     g.limitThresholds(a.noProgressSeconds / 2, a.noProgressSeconds),
                     min=0),
      ],
      [g.row('State and rebalances')],
      [
        g.timeseries('State size',
                     'RocksDB live data per instance. It grows with employees and history; see '
                     + 'the disk panel for room left.',
                     [g.range('sum by (instance) (kinerja_state_size_bytes{%s})' % sel, '{{instance}}')],
                     'bytes',
                     w=8,
                     min=0),
        g.timeseries('State disk free',
                     'Free share of the filesystem holding each state directory. RocksDB needs '
                     + 'room to compact; red at the KinerjaStateDiskLow threshold.',
                     [g.range('sum by (instance) (kinerja_state_filesystem_avail_bytes{%s}) / sum by (instance) (kinerja_state_filesystem_size_bytes{%s})' % [sel, sel],
                              '{{instance}}')],
                     'percentunit',
                     g.targetThresholds(a.diskLowRatio, a.diskLowRatio * 2),
                     w=8,
                     min=0,
                     max=1),
        g.timeseries('Rebalances',
                     'Partition assignment changes per instance. Each one reloads partition '
                     + 'state; many: see KinerjaFrequentRebalances.',
                     [g.range('sum by (instance) (increase(kinerja_rebalances_total{%s}[%s]))' % [sel, ri],
                              '{{instance}}')],
                     'short',
                     w=8,
                     min=0),
      ],
      [g.row('Kafka clients and process')],
      [
        g.timeseries('Kafka client errors',
                     'Errors reported by the consumer and by the dead-letter producer, per '
                     + 'second, by librdkafka code; one line at 0 per instance while there are '
                     + 'none. Persistent errors raise KinerjaKafkaErrors.',
                     [g.range('sum by (instance, client, code) (rate(kinerja_kafka_errors_total{%s}[%s])) > 0 or sum by (instance) (rate(kinerja_kafka_errors_total{%s}[%s]))' % [sel, ri, sel, ri],
                              '{{instance}} {{client}} {{code}}')],
                     'ops',
                     w=8,
                     min=0),
        g.timeseries('Memory',
                     'Resident memory per instance: the employee cache, RocksDB and the Kafka '
                     + 'prefetch.',
                     [g.range('process_resident_memory_bytes{%s}' % sel, '{{instance}}')],
                     'bytes',
                     w=8,
                     min=0),
        g.timeseries('CPU',
                     'CPU used per instance (1.0 = one core fully busy).',
                     [g.range('rate(process_cpu_seconds_total{%s}[%s])' % [sel, ri], '{{instance}}')],
                     'percentunit',
                     w=8,
                     min=0),
      ],
      [
        g.table('Instances',
                'The version and revision of Kinerja each instance runs (kinerja_build_info).',
                [g.tableQuery('kinerja_build_info{%s}' % sel, 'A')],
                [],
                'instance',
                h=5,
                exclude=['Value']),
      ],
    ]
  )
