// Alerts: each has `for`, `severity` (critical pages, warning opens a ticket: see
// ops/prometheus/alertmanager.example.yml), `summary`, `description` and a `runbook_url` into
// ops/runbook.md. Every alert has a firing and a quiet case in ops/prometheus/tests/.
// Strings are formatted whole: `(a + b) % args`, as `%` binds tighter than `+` in jsonnet.
function(cfg)
  local a = cfg.alerts;
  local up = 'up{job="%s"}' % cfg.job;
  local pct(x) = '%d%%' % std.floor(x * 100 + 0.5);
  local alert(name, expr, forDuration, severity, summary, description) = {
    alert: name,
    expr: expr,
    'for': forDuration,
    labels: { severity: severity },
    annotations: {
      summary: summary,
      description: description,
      runbook_url: '%s#%s' % [cfg.runbookUrlBase, std.asciiLower(name)],
    },
  };
  {
    pipeline: [
      alert(
        'KinerjaInstanceDown',
        '%s == 0' % up,
        a.instanceDownFor,
        'critical',
        'Kinerja instance {{ $labels.instance }} is down.',
        ('Prometheus has not been able to scrape {{ $labels.instance }} (job {{ $labels.job }}) '
         + 'for %s: the process has stopped, crashed, hung or is unreachable. Its partitions '
         + 'are not consumed until it returns or the consumer group moves them elsewhere.')
        % a.instanceDownFor,
      ),
      alert(
        'KinerjaAbsent',
        'absent(%s)' % up,
        a.absentFor,
        'critical',
        'No Kinerja instance is known to Prometheus.',
        ('Prometheus has no target of job %s: no KPI is computed or exported, and no other '
         + 'Kinerja alert can fire. Check the scrape configuration and the deployment.')
        % cfg.job,
      ),
      alert(
        'KinerjaConsumerLagHigh',
        ('job:kinerja_consumer_lag_messages:sum > %d\nand\n'
         + 'deriv(job:kinerja_consumer_lag_messages:sum[%s]) > 0')
        % [a.lagHighMessages, a.lagGrowthWindow],
        a.lagFor,
        'warning',
        'Kinerja is {{ $value | humanize }} messages behind and falling further behind.',
        ('The consumer lag of job {{ $labels.job }} (all partitions) is {{ $value | humanize }} '
         + 'messages, above %d, and has grown over the last %s: agencies publish faster than '
         + 'Kinerja applies, so the dashboards fall further behind.')
        % [a.lagHighMessages, a.lagGrowthWindow],
      ),
      alert(
        'KinerjaNoProgress',
        ('last_over_time(job_instance:kinerja_consumer_lag_messages:sum[%s]) > 0\n'
         + 'and on (job, instance)\n'
         + '(time() - max by (job, instance) '
         + '(last_over_time(kinerja_last_commit_timestamp_seconds[%s]))) > %d\n'
         + 'and on (job, instance)\n%s')
        % [a.noProgressLookback, a.noProgressLookback, a.noProgressSeconds, up],
        a.noProgressFor,
        'critical',
        'Kinerja {{ $labels.instance }} has messages to consume but commits nothing.',
        ('Instance {{ $labels.instance }} last reported {{ $value | humanize }} messages of lag '
         + 'and has not committed a batch for more than %d seconds: its consumer is stuck '
         + '(hung, stopped, or failing before its first commit), and its KPIs are frozen.')
        % a.noProgressSeconds,
      ),
      alert(
        'KinerjaDeadLettersRising',
        ('sum by (job, reason) (rate(kinerja_dead_letters_total[%s]))\n'
         + '/ on (job) group_left ()\n'
         + 'sum by (job) (rate(kinerja_events_total[%s]))\n'
         + '> %g')
        % [a.deadLetterWindow, a.deadLetterWindow, a.deadLetterRatio],
        a.deadLetterFor,
        'warning',
        '{{ $value | humanizePercentage }} of consumed messages are dead-lettered as '
        + '{{ $labels.reason }}.',
        ('Over the last %s, {{ $value | humanizePercentage }} of the messages consumed by job '
         + '{{ $labels.job }} went to the dead-letter topic with reason {{ $labels.reason }} '
         + '(more than %s). Those events count in no KPI until their publisher fixes and '
         + 'resends them.')
        % [a.deadLetterWindow, pct(a.deadLetterRatio)],
      ),
      alert(
        'KinerjaRestartingOften',
        'changes(process_start_time_seconds{job="%s"}[%s]) >= %d'
        % [cfg.job, a.restartWindow, a.restartsMax],
        '0m',
        'critical',
        'Kinerja {{ $labels.instance }} restarted {{ $value }} times in %s.' % a.restartWindow,
        ('Instance {{ $labels.instance }} has started {{ $value }} times in the last %s. A '
         + 'failed state commit (disk full, read-only or damaged state directory) and a fatal '
         + 'Kafka error end the process on purpose, so that nothing is applied past a write '
         + 'that did not happen; a supervisor restarting it into the same fault shows as '
         + 'this loop.')
        % a.restartWindow,
      ),
      alert(
        'KinerjaStateCommitsSlow',
        'job_instance:kinerja_state_commit_seconds:p99 > %g' % a.commitP99Seconds,
        a.commitSlowFor,
        'warning',
        'Kinerja {{ $labels.instance }} takes {{ $value | humanizeDuration }} to commit a '
        + 'batch (p99).',
        ('The 99th percentile of the atomic state + offsets write on {{ $labels.instance }} '
         + 'is {{ $value | humanizeDuration }}, above %gs: the disk under the state directory '
         + 'is slow or saturated, and every event waits for it.')
        % a.commitP99Seconds,
      ),
      alert(
        'KinerjaEventAgeHigh',
        'job:kinerja_event_age_seconds:p99 > %g' % a.eventAgeP99Seconds,
        a.eventAgeFor,
        'warning',
        'KPIs of job {{ $labels.job }} are {{ $value | humanizeDuration }} behind their '
        + 'events (p99).',
        ('The 99th percentile of event age (Kafka timestamp to committed state) is '
         + '{{ $value | humanizeDuration }}, above %gs, so the dashboards show the past. '
         + 'Expected during a planned replay or backfill; otherwise Kinerja is too slow or '
         + 'stalled.')
        % a.eventAgeP99Seconds,
      ),
      alert(
        'KinerjaStateDiskLow',
        'kinerja_state_filesystem_avail_bytes / kinerja_state_filesystem_size_bytes < %g'
        % a.diskLowRatio,
        a.diskLowFor,
        'warning',
        'The state disk of Kinerja {{ $labels.instance }} is {{ $value | humanizePercentage }} '
        + 'free.',
        ('Only {{ $value | humanizePercentage }} of the filesystem holding the state directory '
         + 'of {{ $labels.instance }} is free (threshold %s). RocksDB needs free space to '
         + 'compact; when a write fails the instance stops (by design) until there is room.')
        % pct(a.diskLowRatio),
      ),
      alert(
        'KinerjaStateDiskFillingUp',
        ('kinerja_state_filesystem_avail_bytes / kinerja_state_filesystem_size_bytes < %g\n'
         + 'and\npredict_linear(kinerja_state_filesystem_avail_bytes[%s], %d * 3600) < 0')
        % [a.diskFillRatio, a.diskFillLookback, a.diskFillHorizonHours],
        a.diskFillFor,
        'critical',
        'The state disk of Kinerja {{ $labels.instance }} will be full within %d hours.'
        % a.diskFillHorizonHours,
        ('At the rate of the last %s the filesystem holding the state directory of '
         + '{{ $labels.instance }} fills up within %d hours; it is '
         + '{{ $value | humanizePercentage }} free now. A full disk stops the instance.')
        % [a.diskFillLookback, a.diskFillHorizonHours],
      ),
      alert(
        'KinerjaFrequentRebalances',
        'sum by (job, instance) (increase(kinerja_rebalances_total[%s])) > %d'
        % [a.rebalanceWindow, a.rebalancesMax],
        a.rebalanceFor,
        'warning',
        ('Kinerja {{ $labels.instance }} had {{ $value | humanize }} partition assignment '
         + 'changes in %s.') % a.rebalanceWindow,
        ('The partitions of {{ $labels.instance }} changed owner {{ $value | humanize }} times '
         + 'in the last %s (more than %d). Each change reloads partition state and pauses '
         + 'consumption: members keep joining and leaving (crash loops, session timeouts, '
         + 'deployments).')
        % [a.rebalanceWindow, a.rebalancesMax],
      ),
      alert(
        'KinerjaKafkaErrors',
        'sum by (job, instance, client, code) (rate(kinerja_kafka_errors_total[%s])) > 0'
        % a.kafkaErrorWindow,
        a.kafkaErrorFor,
        'warning',
        'The Kafka {{ $labels.client }} of Kinerja {{ $labels.instance }} keeps reporting '
        + '{{ $labels.code }}.',
        ('The Kafka {{ $labels.client }} of {{ $labels.instance }} has reported '
         + '{{ $labels.code }} errors for %s without a break ({{ $value | printf "%%.3g" }} '
         + 'a second). '
         + 'librdkafka retries them, but a broker is down or unreachable, or authentication '
         + 'or TLS is failing.')
        % a.kafkaErrorFor,
      ),
    ],
    dataQuality: [
      alert(
        'KinerjaAgencySilent',
        ('job_agency:kinerja_agency_events:increase1d offset 7d >= %d\n'
         + 'unless on (job, agency)\n'
         + 'job_agency:kinerja_agency_events:increase1d > 0')
        % a.silentMinEvents,
        a.silentFor,
        'warning',
        'Agency {{ $labels.agency }} has published nothing for 24 hours.',
        'Agency {{ $labels.agency }} published {{ $value | humanize }} events in the same 24 '
        + 'hours a week ago and none in the last 24 hours: its e-Kinerja system or its Kafka '
        + 'producer has probably stopped, and its KPIs are going stale.',
      ),
      alert(
        'KinerjaAgencyDeadLettersHigh',
        ('job_agency:kinerja_agency_dead_letters:ratio1h > %g\n'
         + 'and on (job, agency)\n'
         + 'job_agency:kinerja_agency_messages:increase1h >= %d')
        % [a.agencyDeadLetterRatio, a.agencyDeadLetterMinMessages],
        a.agencyDeadLetterFor,
        'warning',
        '{{ $value | humanizePercentage }} of the messages of agency {{ $labels.agency }} are '
        + 'rejected.',
        ('In the last hour {{ $value | humanizePercentage }} of what agency '
         + '{{ $labels.agency }} published went to the dead-letter topic (more than %s): its '
         + 'publisher sends events that break the contract, and they count in no KPI.')
        % pct(a.agencyDeadLetterRatio),
      ),
      alert(
        'KinerjaEmployeesWithoutMasterData',
        ('sum by (job) (kinerja_employees_without_master_data) >= %d\nand\n'
         + 'sum by (job) (kinerja_employees_without_master_data)\n'
         + '/ (sum by (job) (kinerja_employees) '
         + '+ sum by (job) (kinerja_employees_without_master_data))\n'
         + '> %g')
        % [a.withoutMasterDataMin, a.withoutMasterDataRatio],
        a.withoutMasterDataFor,
        'warning',
        '{{ $value | humanize }} employees have events but no master data.',
        ('{{ $value | humanize }} employees (more than %s of all) have events applied but no '
         + 'employee.upserted yet, so they count in no agency KPI: a publisher sends events for '
         + 'employees it has not registered.')
        % pct(a.withoutMasterDataRatio),
      ),
    ],
  }
