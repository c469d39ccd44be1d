// Recording rules. Kinerja exports numerators and denominators only; every ratio is computed
// here from sums by agency (or by job for the nation), so the result is right whatever
// partitions each instance owns. Names follow level:metric:operation.
function(cfg)
  // "A or 0 * B": a KPI gauge is absent when 0 (docs/kpis.md); where the denominator B exists,
  // treat the missing numerator as 0 instead of dropping the ratio.
  local orZero(num, base) = '(%s or 0 * %s)' % [num, base];
  local sumBy(labels, metric) = 'sum by (%s) (%s)' % [std.join(', ', labels), metric];
  // The year of a "YYYY-MM" month label, as label `year`.
  local withYear(expr) = 'label_replace(%s, "year", "$1", "month", "([0-9]{4})-[0-9]{2}")' % expr;

  // The KPI ratios at one level: `by` are the grouping labels beyond year/month.
  local kpiRules(level, by) =
    local y = by + ['year'];
    local m = by + ['month'];
    local employees = '%s:kinerja_employees:sum' % level;
    [
      { record: employees, expr: sumBy(by, 'kinerja_employees') },
      {
        record: '%s_year:kinerja_skp_coverage:ratio' % level,
        expr: '%s\n/ on (%s) group_left ()\n%s' % [
          sumBy(y, 'kinerja_skp_employees'),
          std.join(', ', by),
          employees,
        ],
      },
      {
        record: '%s_year:kinerja_skp_achievement:avg' % level,
        expr: '%s\n/\n%s' % [
          orZero(sumBy(y, 'kinerja_skp_achievement'), sumBy(y, 'kinerja_skp_employees')),
          sumBy(y, 'kinerja_skp_employees'),
        ],
      },
      {
        record: '%s_year:kinerja_skp_targets_met:ratio' % level,
        expr: '%s\n/\n%s' % [
          orZero(sumBy(y, 'kinerja_skp_targets_met_employees'), sumBy(y, 'kinerja_skp_employees')),
          sumBy(y, 'kinerja_skp_employees'),
        ],
      },
      {
        // Employees with an SKP for the month's year who reported in the month.
        record: '%s_month:kinerja_realisasi_reporting:ratio' % level,
        expr: '%s\n/ on (%s) group_left ()\n%s' % [
          withYear(orZero(sumBy(m, 'kinerja_realisasi_reporting_employees'),
                          sumBy(m, 'kinerja_realisasi_reports'))),
          std.join(', ', y),
          sumBy(y, 'kinerja_skp_employees'),
        ],
      },
      {
        record: '%s_month:kinerja_realisasi_evidence:ratio' % level,
        expr: '%s\n/\n%s' % [
          orZero(sumBy(m, 'kinerja_realisasi_reports_with_evidence'),
                 sumBy(m, 'kinerja_realisasi_reports')),
          sumBy(m, 'kinerja_realisasi_reports'),
        ],
      },
      {
        // Over today's employees; months with activity but no feedback count as 0.
        record: '%s_month:kinerja_feedback_coverage:ratio' % level,
        expr: '%s\n/ on (%s) group_left ()\n%s' % [
          orZero(sumBy(m, 'kinerja_feedback_employees'), sumBy(m, 'kinerja_activity_seconds')),
          std.join(', ', by),
          employees,
        ],
      },
      {
        // The four bands add up to the agency's employees.
        record: '%s_year:kinerja_training_jp:avg' % level,
        expr: '%s\n/\n%s' % [
          sumBy(y, 'kinerja_training_jp'),
          sumBy(y, 'kinerja_training_employees'),
        ],
      },
      {
        record: '%s_year:kinerja_training_ge20:ratio' % level,
        expr: '%s\n/\n%s' % [
          sumBy(y, 'kinerja_training_employees{jp_band="ge20"}'),
          sumBy(y, 'kinerja_training_employees'),
        ],
      },
      {
        record: '%s_month:kinerja_activity_administrative:ratio' % level,
        expr: '%s\n/\n%s' % [
          orZero(sumBy(m, 'kinerja_activity_seconds{category="administrative"}'),
                 sumBy(m, 'kinerja_activity_seconds')),
          sumBy(m, 'kinerja_activity_seconds'),
        ],
      },
      {
        record: '%s_month:kinerja_admin_heavy:ratio' % level,
        expr: '%s\n/ on (%s) group_left ()\n%s' % [
          orZero(sumBy(m, 'kinerja_admin_heavy_employees'), sumBy(m, 'kinerja_activity_seconds')),
          std.join(', ', by),
          employees,
        ],
      },
    ];

  local quantile(q, metric, by) =
    'histogram_quantile(%s, sum by (%s) (rate(%s_bucket[%s])))' % [
      q,
      std.join(', ', by + ['le']),
      metric,
      cfg.rateWindow,
    ];

  {
    // Groups of their own: the KPI ratios.
    kpiGroups: [
      { name: 'kinerja.kpi.agency', rules: kpiRules('job_agency', ['job', 'agency']) },
      { name: 'kinerja.kpi.national', rules: kpiRules('job', ['job']) },
    ],
    // Evaluated in one group before the pipeline alerts that read them.
    pipeline: [
      {
        record: 'job:kinerja_consumer_lag_messages:sum',
        expr: sumBy(['job'], 'kinerja_consumer_lag_messages'),
      },
      {
        // Kept while an instance cannot be scraped: the no-progress alert reads its last value.
        record: 'job_instance:kinerja_consumer_lag_messages:sum',
        expr: sumBy(['job', 'instance'], 'kinerja_consumer_lag_messages'),
      },
      {
        record: 'job:kinerja_events:rate%s' % cfg.rateWindow,
        expr: 'sum by (job) (rate(kinerja_events_total[%s]))' % cfg.rateWindow,
      },
      {
        record: 'job:kinerja_event_age_seconds:p50',
        expr: quantile('0.5', 'kinerja_event_age_seconds', ['job']),
      },
      {
        record: 'job:kinerja_event_age_seconds:p90',
        expr: quantile('0.9', 'kinerja_event_age_seconds', ['job']),
      },
      {
        record: 'job:kinerja_event_age_seconds:p99',
        expr: quantile('0.99', 'kinerja_event_age_seconds', ['job']),
      },
      {
        record: 'job_instance:kinerja_state_commit_seconds:p99',
        expr: quantile('0.99', 'kinerja_state_commit_seconds', ['job', 'instance']),
      },
    ],
    // Evaluated in one group before the data-quality alerts that read them.
    dataQuality: [
      {
        record: 'job_agency:kinerja_agency_events:increase1d',
        expr: 'sum by (job, agency) (increase(kinerja_agency_events_total[1d]))',
      },
      {
        record: 'job_agency:kinerja_agency_dead_letters:increase1h',
        expr: 'sum by (job, agency) (increase(kinerja_agency_dead_letters_total[1h]))',
      },
      {
        // Everything an agency published in the hour: applied plus dead-lettered
        // (duplicates are neither).
        record: 'job_agency:kinerja_agency_messages:increase1h',
        expr: 'job_agency:kinerja_agency_dead_letters:increase1h\n+ on (job, agency)\n'
              + 'sum by (job, agency) (increase(kinerja_agency_events_total[1h]))',
      },
      {
        record: 'job_agency:kinerja_agency_dead_letters:ratio1h',
        expr: 'job_agency:kinerja_agency_dead_letters:increase1h\n/ on (job, agency)\n'
              + 'job_agency:kinerja_agency_messages:increase1h',
      },
    ],
  }
