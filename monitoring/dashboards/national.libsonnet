// National overview: every agency on the same KPIs, ranked worst first; how agencies are
// distributed; and the quality of what each agency publishes.
local g = import '../lib/grafana.libsonnet';

function(cfg)
  local t = cfg.targets;
  local job = 'job="$job"';
  local year = job + ', year="$year"';
  local month = job + ', month="$month"';
  local perAgency(rule, labels) = 'sum by (agency) (%s{%s})' % [rule, labels];
  local pct = 'percentunit';
  local cov = g.targetThresholds(t.coverageAmber, t.coverageGreen);
  local dist(title, description, rule, labels) =
    g.histogram(title, description, g.instant(perAgency(rule, labels), '{{agency}}'), pct, 0.05);

  g.dashboard(
    cfg,
    cfg.dashboards.uids.national,
    'Kinerja / National overview',
    'All agencies on the KPI catalogue, worst first, their distribution, and data quality per '
    + 'publishing agency.',
    [
      g.datasourceVariable(),
      g.labelVariable('job', 'job', 'kinerja_build_info', 'The Prometheus job that scrapes Kinerja.'),
      g.labelVariable('year',
                      'year',
                      '{__name__=~"kinerja_(skp_employees|training_employees)", %s}' % job,
                      'The SKP and training year; newest first.',
                      sort=2),
      g.labelVariable('month',
                      'month',
                      '{__name__=~"kinerja_(realisasi_reports|feedback_employees|activity_seconds)", %s}' % job,
                      'The month of the monthly KPIs; newest first.',
                      sort=2),
    ],
    [
      [g.row('Nation $year')],
      [
        g.stat('Employees',
               'Active employees with master data, all agencies.',
               g.instant('job:kinerja_employees:sum{%s}' % job),
               'short'),
        g.stat('Agencies',
               'Agencies with at least one active employee.',
               g.instant('count(job_agency:kinerja_employees:sum{%s})' % job),
               'short'),
        g.stat('SKP coverage',
               'Share of all employees with an approved SKP for $year. Target 100%; the '
               + 'ranking below shows which agencies are behind.',
               g.instant('job_year:kinerja_skp_coverage:ratio{%s}' % year),
               pct,
               cov,
               decimals=1,
               min=0,
               max=1),
        g.stat('Average achievement',
               'Mean SKP achievement of all employees with an SKP for $year.',
               g.instant('job_year:kinerja_skp_achievement:avg{%s}' % year),
               pct,
               decimals=1,
               min=0,
               max=1),
        g.stat('At or above 20 JP',
               'Share of all employees with at least 20 JP of competency development in $year.',
               g.instant('job_year:kinerja_training_ge20:ratio{%s}' % year),
               pct,
               g.targetThresholds(t.jpShareAmber, t.jpShareGreen),
               decimals=1,
               min=0,
               max=1),
        g.stat('Administrative share of time',
               'Share of all time logged in $month that is administrative work.',
               g.instant('job_month:kinerja_activity_administrative:ratio{%s}' % month),
               pct,
               decimals=1,
               min=0,
               max=1),
      ],
      [g.row('Agencies ranked, worst first')],
      [
        g.table('Agencies on the KPI catalogue',
                'One row per agency, sorted by SKP coverage, lowest first (click a column to '
                + 'rank by it). Yearly columns are for $year, monthly ones for $month. Colours '
                + "follow the targets; open the agency dashboard for an agency's detail.",
                [
                  g.tableQuery(perAgency('job_agency:kinerja_employees:sum', job), 'A'),
                  g.tableQuery(perAgency('job_agency_year:kinerja_skp_coverage:ratio', year), 'B'),
                  g.tableQuery(perAgency('job_agency_year:kinerja_skp_achievement:avg', year), 'C'),
                  g.tableQuery(perAgency('job_agency_year:kinerja_skp_targets_met:ratio', year), 'D'),
                  g.tableQuery(perAgency('job_agency_month:kinerja_realisasi_reporting:ratio', month), 'E'),
                  g.tableQuery(perAgency('job_agency_month:kinerja_realisasi_evidence:ratio', month), 'F'),
                  g.tableQuery(perAgency('job_agency_month:kinerja_feedback_coverage:ratio', month), 'G'),
                  g.tableQuery(perAgency('job_agency_year:kinerja_training_ge20:ratio', year), 'H'),
                  g.tableQuery(perAgency('job_agency_month:kinerja_activity_administrative:ratio', month), 'I'),
                ],
                [
                  ['Value #A', 'Employees'],
                  ['Value #B', 'SKP coverage'],
                  ['Value #C', 'Average achievement'],
                  ['Value #D', 'Targets met'],
                  ['Value #E', 'Realisasi reporting'],
                  ['Value #F', 'Reports with evidence'],
                  ['Value #G', 'Feedback coverage'],
                  ['Value #H', 'At or above 20 JP'],
                  ['Value #I', 'Administrative share'],
                ],
                'SKP coverage',
                columnUnits=[
                  ['SKP coverage', pct, cov],
                  ['Average achievement', pct],
                  ['Targets met', pct],
                  ['Realisasi reporting', pct, cov],
                  [
                    'Reports with evidence',
                    pct,
                    g.targetThresholds(t.evidenceAmber, t.evidenceGreen),
                  ],
                  [
                    'Feedback coverage',
                    pct,
                    g.targetThresholds(t.feedbackAmber, t.feedbackGreen),
                  ],
                  [
                    'At or above 20 JP',
                    pct,
                    g.targetThresholds(t.jpShareAmber, t.jpShareGreen),
                  ],
                  ['Administrative share', pct],
                ],
                h=12),
      ],
      [g.row('Distribution across agencies')],
      [
        dist('SKP coverage $year',
             'How many agencies have each level of SKP coverage (5% buckets). A long left tail '
             + 'is a set of agencies to follow up.',
             'job_agency_year:kinerja_skp_coverage:ratio',
             year),
        dist('Average achievement $year',
             'How many agencies have each level of average SKP '
             + 'achievement (5% buckets).',
             'job_agency_year:kinerja_skp_achievement:avg',
             year),
        dist('At or above 20 JP $year',
             'How many agencies have each share of employees at '
             + 'or above 20 JP (5% buckets).',
             'job_agency_year:kinerja_training_ge20:ratio',
             year),
      ],
      [
        dist('Realisasi reporting $month',
             'How many agencies have each share of employees '
             + 'reporting realisasi for $month (5% buckets).',
             'job_agency_month:kinerja_realisasi_reporting:ratio',
             month),
        dist('Feedback coverage $month',
             'How many agencies have each share of employees '
             + 'with feedback in $month (5% buckets).',
             'job_agency_month:kinerja_feedback_coverage:ratio',
             month),
        dist('Administrative share $month',
             'How many agencies have each administrative '
             + 'share of logged time in $month (5% buckets).',
             'job_agency_month:kinerja_activity_administrative:ratio',
             month),
      ],
      [g.row('Data quality per publishing agency')],
      [
        g.stat('Agencies silent for 24 hours',
               'Publishing agencies with no event applied in the last 24 hours. A working-day '
               + 'publisher that goes silent raises KinerjaAgencySilent; see the table below.',
               g.instant('count(job_agency:kinerja_agency_events:increase1d{%s} == 0) or vector(0)' % job),
               'short',
               g.limitThresholds(1, 10)),
        g.stat('Employees without master data',
               'Employees with events but no employee.upserted: they count in no agency KPI. '
               + 'The table shows which publishers send events about them.',
               g.instant('sum(kinerja_employees_without_master_data{%s})' % job),
               'short',
               g.limitThresholds(1, cfg.alerts.withoutMasterDataMin)),
        g.stat('Dead-lettered, last hour',
               'Share of all consumed messages sent to the dead-letter topic in the last hour.',
               g.instant('sum(increase(kinerja_dead_letters_total{%s}[1h])) / sum(increase(kinerja_events_total{%s}[1h]))' % [job, job]),
               pct,
               g.limitThresholds(cfg.alerts.deadLetterRatio / 2, cfg.alerts.deadLetterRatio),
               decimals=2,
               min=0),
        g.timeseries('Dead letters by publishing agency',
                     'Messages dead-lettered per second, by agency and reason (the 10 largest). '
                     + 'Reasons: see docs/events.md; the agency can find each message, with its '
                     + 'reason, on the dead-letter topic.',
                     [g.range('topk(10, sum by (agency, reason) (rate(kinerja_agency_dead_letters_total{%s}[$__rate_interval])))' % job,
                              '{{agency}} {{reason}}')],
                     'ops',
                     w=12,
                     h=4,
                     min=0),
      ],
      [
        g.table('Publishing agencies, quietest first',
                'Per publishing agency (the envelope source): events applied in the last 24 '
                + 'hours against the daily average of the last 7 days, messages rejected, and '
                + 'events about employees without master data. An agency near the top with a '
                + 'usual daily volume but nothing today has stopped publishing.',
                [
                  g.tableQuery(perAgency('job_agency:kinerja_agency_events:increase1d', job), 'A'),
                  g.tableQuery('sum by (agency) (increase(kinerja_agency_events_total{%s}[7d])) / 7' % job, 'B'),
                  g.tableQuery('sum by (agency) (increase(kinerja_agency_dead_letters_total{%s}[1d]))' % job, 'C'),
                  g.tableQuery('sum by (agency) (increase(kinerja_agency_events_without_master_data_total{%s}[1d]))' % job, 'D'),
                ],
                [
                  ['Value #A', 'Events, last 24 h'],
                  ['Value #B', 'Events per day, last 7 days'],
                  ['Value #C', 'Dead letters, last 24 h'],
                  ['Value #D', 'Events without master data, last 24 h'],
                ],
                'Events, last 24 h',
                columnUnits=[
                  ['Dead letters, last 24 h', 'short', g.limitThresholds(1, 100)],
                  ['Events without master data, last 24 h', 'short', g.limitThresholds(1, 100)],
                ],
                h=10),
      ],
    ]
  )
