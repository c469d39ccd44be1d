// Agency performance: what supervisors and agency leaders read. One agency, one year, one
// month; every ratio comes from the recording rules (monitoring/rules.libsonnet).
local g = import '../lib/grafana.libsonnet';

function(cfg)
  local t = cfg.targets;
  local sel = 'job="$job", agency="$agency"';
  local year = sel + ', year="$year"';
  local month = sel + ', month="$month"';
  local pctTarget(amber, green) = g.targetThresholds(amber, green);
  local box(n, potential, hasil) = g.stat(
    'Box %d · potential %s · hasil %s' % [n, potential, hasil],
    ('Employees in talent box %d in $year: potential %s, annual hasil kerja %s. Boxes 7-9 form '
     + 'the promotion pool; boxes 1-3 need a development plan.') % [n, potential, hasil],
    g.instant('sum(kinerja_talent_box_employees{%s, box="%d"}) or vector(0)' % [year, n]),
    'short',
    w=8,
    h=3
  );
  // Five series, one per predikat, of a monthly bar chart; a predikat nobody has shows 0.
  local predikatByMonth = [
    g.tableQuery(
      ('sum by (period) (kinerja_predikat_employees{%s, period=~"[0-9]{4}-[0-9]{2}", predikat="%s"})'
       + ' or 0 * sum by (period) (kinerja_predikat_employees{%s, period=~"[0-9]{4}-[0-9]{2}"})')
      % [sel, p[0], sel],
      p[1]
    )
    for p in [
      ['sangat_baik', 'A'],
      ['baik', 'B'],
      ['butuh_perbaikan', 'C'],
      ['kurang', 'D'],
      ['sangat_kurang', 'E'],
    ]
  ];

  g.dashboard(
    cfg,
    cfg.dashboards.uids.agency,
    'Kinerja / Agency performance',
    'SKP, realisasi, feedback, predikat, training and talent KPIs of one agency, for its '
    + 'supervisors and leaders.',
    [
      g.datasourceVariable(),
      g.labelVariable('job', 'job', 'kinerja_build_info', 'The Prometheus job that scrapes Kinerja.'),
      g.labelVariable('agency',
                      'agency',
                      'kinerja_employees{job="$job"}',
                      'The agency (its code in master data).'),
      g.labelVariable('year',
                      'year',
                      '{__name__=~"kinerja_(skp_employees|training_employees|talent_box_employees)", %s}' % sel,
                      'The SKP and training year; newest first.',
                      sort=2),
      g.labelVariable('month',
                      'month',
                      '{__name__=~"kinerja_(realisasi_reports|feedback_employees|activity_seconds)", %s}' % sel,
                      'The month of the monthly KPIs; newest first. Realisasi for a month arrive '
                      + 'early the next month.',
                      sort=2),
    ],
    [
      [g.row('Year $year')],
      [
        g.stat('Employees',
               'Active employees of the agency by their latest master data. Every KPI below '
               + 'counts these only; employees whose master data is missing count nowhere (see '
               + 'the national overview).',
               g.instant('sum(kinerja_employees{%s})' % sel),
               'short'),
        g.stat('SKP coverage',
               'Share of employees with an approved SKP for $year. Target 100%: every SKP is '
               + 'approved by the end of January. Below target: ask the units concerned to '
               + 'approve the missing SKPs in e-Kinerja.',
               g.instant('job_agency_year:kinerja_skp_coverage:ratio{%s}' % year),
               'percentunit',
               pctTarget(t.coverageAmber, t.coverageGreen),
               decimals=1,
               min=0,
               max=1),
        g.stat('Average achievement',
               'Mean over employees with an SKP of min(realisasi / target, 1) per indicator, '
               + 'averaged over indicators; realisasi summed over the months of $year so far. '
               + 'It grows through the year; low values late in the year show indicators '
               + 'behind target.',
               g.instant('job_agency_year:kinerja_skp_achievement:avg{%s}' % year),
               'percentunit',
               decimals=1,
               min=0,
               max=1),
        g.stat('Targets met',
               'Share of employees with an SKP whose every indicator has reached its target '
               + 'in $year.',
               g.instant('job_agency_year:kinerja_skp_targets_met:ratio{%s}' % year),
               'percentunit',
               decimals=1,
               min=0,
               max=1),
        g.stat('At or above 20 JP',
               'Share of employees with at least 20 JP (900 minutes) of competency development '
               + 'in $year, the yearly obligation. Most training happens late in the year; '
               + 'below target in the last quarter: plan courses or e-learning for the rest.',
               g.instant('job_agency_year:kinerja_training_ge20:ratio{%s}' % year),
               'percentunit',
               pctTarget(t.jpShareAmber, t.jpShareGreen),
               decimals=1,
               min=0,
               max=1),
        g.stat('Average JP per employee',
               'Training minutes in $year divided by 45, per employee. The obligation is %d JP '
               % t.jpYearly + 'per employee per year.',
               g.instant('job_agency_year:kinerja_training_jp:avg{%s}' % year),
               'suffix: JP',
               pctTarget(t.jpYearly / 2, t.jpYearly),
               decimals=1,
               min=0),
      ],
      [
        g.timeseries('SKP over time',
                     'SKP coverage, average achievement and share of employees with all '
                     + 'targets met for $year, as they evolved over the selected time range.',
                     [
                       g.range('job_agency_year:kinerja_skp_coverage:ratio{%s}' % year,
                               'SKP coverage',
                               'A'),
                       g.range('job_agency_year:kinerja_skp_achievement:avg{%s}' % year,
                               'average achievement',
                               'B'),
                       g.range('job_agency_year:kinerja_skp_targets_met:ratio{%s}' % year,
                               'targets met',
                               'C'),
                     ],
                     'percentunit',
                     decimals=1,
                     min=0,
                     max=1),
        g.timeseries('Training over time',
                     'Share of employees at or above 20 JP in $year over the selected time range.',
                     [g.range('job_agency_year:kinerja_training_ge20:ratio{%s}' % year,
                              'at or above 20 JP',
                              'A')],
                     'percentunit',
                     pctTarget(t.jpShareAmber, t.jpShareGreen),
                     decimals=1,
                     min=0,
                     max=1),
      ],
      [g.row('Month $month')],
      [
        g.stat('Realisasi reporting',
               'Share of employees with an SKP for the year who reported realisasi for at least '
               + 'one indicator in $month. Target 100%, reported early the next month; below '
               + 'target: remind the units to report.',
               g.instant('job_agency_month:kinerja_realisasi_reporting:ratio{%s}' % month),
               'percentunit',
               pctTarget(t.coverageAmber, t.coverageGreen),
               decimals=1,
               min=0,
               max=1),
        g.stat('Reports with evidence',
               'Share of the (employee, indicator) realisasi of $month that have at least one '
               + 'piece of evidence (bukti dukung). Reports without evidence cannot be verified.',
               g.instant('job_agency_month:kinerja_realisasi_evidence:ratio{%s}' % month),
               'percentunit',
               pctTarget(t.evidenceAmber, t.evidenceGreen),
               decimals=1,
               min=0,
               max=1),
        g.stat('Feedback coverage',
               'Share of employees who received at least one piece of continuous feedback in '
               + '$month (in their own time zone). Supervisors should give feedback to everyone '
               + 'every month.',
               g.instant('job_agency_month:kinerja_feedback_coverage:ratio{%s}' % month),
               'percentunit',
               pctTarget(t.feedbackAmber, t.feedbackGreen),
               decimals=1,
               min=0,
               max=1),
        g.stat('Feedback given',
               "Feedback events received by the agency's employees in $month.",
               g.instant('sum(kinerja_feedback_given{%s}) or vector(0)' % month),
               'short'),
        g.stat('Administrative share of time',
               'Share of the time logged in $month that is administrative work. Reducing '
               + 'administrative burden is a national policy goal: a rising share deserves a '
               + 'look at which work can be simplified.',
               g.instant('job_agency_month:kinerja_activity_administrative:ratio{%s}' % month),
               'percentunit',
               decimals=1,
               min=0,
               max=1),
        g.stat('Administrative-heavy employees',
               'Share of employees whose administrative minutes are more than half of the '
               + 'minutes they logged in $month.',
               g.instant('job_agency_month:kinerja_admin_heavy:ratio{%s}' % month),
               'percentunit',
               decimals=1,
               min=0,
               max=1),
      ],
      [
        g.barchart('Realisasi reporting and evidence, last 13 months',
                   'Per month: the share of employees with an SKP who reported realisasi, and '
                   + 'the share of reports with evidence. The latest month fills up early the '
                   + 'next month.',
                   [
                     g.tableQuery('sum by (month) (job_agency_month:kinerja_realisasi_reporting:ratio{%s})' % sel, 'A'),
                     g.tableQuery('sum by (month) (job_agency_month:kinerja_realisasi_evidence:ratio{%s})' % sel, 'B'),
                   ],
                   'month',
                   [['Value #A', 'reporting'], ['Value #B', 'with evidence']],
                   'percentunit',
                   pctTarget(t.coverageAmber, t.coverageGreen),
                   decimals=0,
                   min=0,
                   max=1),
        g.barchart('Feedback coverage, last 13 months',
                   "Per month: the share of the agency's employees who received at least one "
                   + 'piece of feedback.',
                   [
                     g.tableQuery('sum by (month) (job_agency_month:kinerja_feedback_coverage:ratio{%s})' % sel, 'A'),
                   ],
                   'month',
                   [['Value #A', 'employees with feedback']],
                   'percentunit',
                   pctTarget(t.feedbackAmber, t.feedbackGreen),
                   decimals=0,
                   min=0,
                   max=1),
      ],
      [
        g.barchart('Administrative work, last 13 months',
                   'Per month: the administrative share of logged time, and the share of '
                   + 'employees whose time is mostly administrative.',
                   [
                     g.tableQuery('sum by (month) (job_agency_month:kinerja_activity_administrative:ratio{%s})' % sel, 'A'),
                     g.tableQuery('sum by (month) (job_agency_month:kinerja_admin_heavy:ratio{%s})' % sel, 'B'),
                   ],
                   'month',
                   [
                     ['Value #A', 'administrative share of time'],
                     ['Value #B', 'administrative-heavy employees'],
                   ],
                   'percentunit',
                   decimals=0,
                   min=0,
                   max=1),
        g.barchart('Predikat of the monthly evaluations, last 13 months',
                   'Employees by predikat of their periodic (monthly) rating, per month. '
                   + 'Evaluations for a month arrive the month after.',
                   predikatByMonth,
                   'period',
                   [
                     ['Value #A', 'sangat baik'],
                     ['Value #B', 'baik'],
                     ['Value #C', 'butuh perbaikan'],
                     ['Value #D', 'kurang'],
                     ['Value #E', 'sangat kurang'],
                   ],
                   'short',
                   decimals=0,
                   min=0,
                   stack=true),
      ],
      [g.row('Predikat and training $year')],
      [
        g.bargauge('Predikat of the annual evaluation $year',
                   'Employees by predikat of their annual rating for $year (hasil x perilaku). '
                   + 'Appears once annual evaluations are entered.',
                   [g.instant('sum by (predikat) (kinerja_predikat_employees{%s, period="$year"})' % sel,
                              '{{predikat}}')],
                   'short',
                   min=0),
        g.bargauge('Training bands $year',
                   'Employees by JP of competency development in $year: none, under 10, 10 to '
                   + '20, and at least 20 (the obligation). The four add up to the employees.',
                   [g.instant('sum by (jp_band) (kinerja_training_employees{%s})' % year,
                              '{{jp_band}} JP')],
                   'short',
                   min=0),
      ],
      [g.row('Talent 9-box $year (rows: potential tinggi, menengah, rendah; columns: hasil di bawah, sesuai, di atas)')],
      [box(6, 'tinggi', 'di bawah'), box(8, 'tinggi', 'sesuai'), box(9, 'tinggi', 'di atas')],
      [box(3, 'menengah', 'di bawah'), box(5, 'menengah', 'sesuai'), box(7, 'menengah', 'di atas')],
      [box(1, 'rendah', 'di bawah'), box(2, 'rendah', 'sesuai'), box(4, 'rendah', 'di atas')],
    ]
  )
