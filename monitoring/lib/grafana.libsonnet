// A small vocabulary for Grafana dashboards (classic JSON model, schemaVersion 39), enough for
// Kinerja's three dashboards; grafonnet is not packaged for this project's platform. Every panel
// and query uses the ${datasource} variable; `layout` places panels row by row on the 24-column
// grid, so positions never overlap by construction (tests/monitoring/ checks them anyway).
{
  datasource:: { type: 'prometheus', uid: '${datasource}' },

  // Variables ------------------------------------------------------------------------------
  datasourceVariable():: {
    type: 'datasource',
    name: 'datasource',
    label: 'Data source',
    query: 'prometheus',
    current: {},
    hide: 0,
    refresh: 1,
    regex: '',
    options: [],
  },

  // A variable filled from label values: `selector` is a PromQL series selector.
  // sort: 1 ascending, 2 descending (newest year/month first).
  labelVariable(name, label, selector, description, sort=1, includeAll=false, multi=false)::
    local query = 'label_values(%s, %s)' % [selector, label];
    {
      type: 'query',
      name: name,
      label: std.asciiUpper(name[0]) + name[1:],
      description: description,
      datasource: $.datasource,
      definition: query,
      query: { query: query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 },
      refresh: 2,
      sort: sort,
      includeAll: includeAll,
      multi: multi,
      current: {},
      hide: 0,
      regex: '',
      options: [],
    } + (if includeAll then { allValue: '.+' } else {}),

  // Queries --------------------------------------------------------------------------------
  // An instant query (stat, bar gauge, bar chart, table): evaluated at the end of the range.
  instant(expr, legend='', refId='A', format='time_series'):: {
    datasource: $.datasource,
    expr: expr,
    legendFormat: legend,
    refId: refId,
    instant: true,
    range: false,
    format: format,
  },
  // A range query (time series).
  range(expr, legend='', refId='A'):: {
    datasource: $.datasource,
    expr: expr,
    legendFormat: legend,
    refId: refId,
    instant: false,
    range: true,
    format: 'time_series',
  },
  // Table queries: one column per query, merged on the labels they share.
  tableQuery(expr, refId):: $.instant(expr, '', refId, 'table'),

  // Field config ---------------------------------------------------------------------------
  // Threshold steps: [base colour, [colour, from], ...].
  thresholds(base, steps=[]):: {
    mode: 'absolute',
    steps: [{ color: base, value: null }] + [{ color: s[0], value: s[1] } for s in steps],
  },
  // Higher is better, with a target: red below amber, amber below green.
  targetThresholds(amber, green):: $.thresholds('red', [['orange', amber], ['green', green]]),
  // Lower is better: green, then amber and red from the given values.
  limitThresholds(amber, red):: $.thresholds('green', [['orange', amber], ['red', red]]),
  noThresholds:: $.thresholds('blue'),

  fieldDefaults(unit, thresholds, decimals=null, min=null, max=null):: {
                                                                         unit: unit,
                                                                         thresholds: thresholds,
                                                                         color: { mode: if thresholds == $.noThresholds then 'palette-classic' else 'thresholds' },
                                                                       } + (if decimals != null then { decimals: decimals } else {})
                                                                       + (if min != null then { min: min } else {})
                                                                       + (if max != null then { max: max } else {}),

  // Panels ---------------------------------------------------------------------------------
  // Common to every panel; `w` and `h` are the size on the grid (layout sets x, y and id).
  panel(type,
        title,
        description,
        targets,
        unit,
        thresholds,
        w,
        h,
        decimals=null,
        min=null,
        max=null):: {
    type: type,
    title: title,
    description: description,
    datasource: $.datasource,
    targets: targets,
    fieldConfig: {
      defaults: $.fieldDefaults(unit, thresholds, decimals, min, max),
      overrides: [],
    },
    gridPos: { w: w, h: h },
  },

  stat(title,
       description,
       target,
       unit,
       thresholds=$.noThresholds,
       w=4,
       h=4,
       decimals=null,
       min=null,
       max=null)::
    $.panel('stat', title, description, [target], unit, thresholds, w, h, decimals, min, max) + {
      options: {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        colorMode: 'value',
        graphMode: 'none',
        justifyMode: 'auto',
        orientation: 'auto',
        textMode: 'auto',
      },
    },

  timeseries(title,
             description,
             targets,
             unit,
             thresholds=$.noThresholds,
             w=12,
             h=8,
             decimals=null,
             min=null,
             max=null,
             stack=false)::
    $.panel('timeseries',
            title,
            description,
            targets,
            unit,
            thresholds,
            w,
            h,
            decimals,
            min,
            max) + {
      fieldConfig+: {
        defaults+: {
          custom: {
            drawStyle: 'line',
            lineWidth: 1,
            fillOpacity: if stack then 30 else 10,
            showPoints: 'never',
            stacking: { mode: if stack then 'normal' else 'none', group: 'A' },
            thresholdsStyle: { mode: if thresholds == $.noThresholds then 'off' else 'dashed' },
          },
        },
      },
      options: {
        legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
        tooltip: { mode: 'multi', sort: 'desc' },
      },
    },

  // A bar per value of `xField` (e.g. the 13 months of a monthly KPI), from instant table
  // queries merged on xField; `columns` names their value columns ([["Value #A", "reporting"]]).
  barchart(title,
           description,
           targets,
           xField,
           columns,
           unit,
           thresholds=$.noThresholds,
           w=12,
           h=8,
           decimals=null,
           min=null,
           max=null,
           stack=false)::
    $.panel('barchart', title, description, targets, unit, thresholds, w, h, decimals, min, max) + {
      options: {
        xField: xField,
        orientation: 'vertical',
        showValue: 'auto',
        stacking: if stack then 'normal' else 'none',
        groupWidth: 0.7,
        barWidth: 0.9,
        legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
        tooltip: { mode: 'multi', sort: 'none' },
      },
      // Instant table results: drop the time column, one row per xField value.
      transformations: [
        { id: 'merge', options: {} },
        {
          id: 'organize',
          options: { excludeByName: { Time: true }, renameByName: { [c[0]]: c[1] for c in columns } },
        },
        { id: 'sortBy', options: { sort: [{ field: xField, desc: false }] } },
      ],
    },

  bargauge(title,
           description,
           targets,
           unit,
           thresholds=$.noThresholds,
           w=12,
           h=8,
           decimals=null,
           min=null,
           max=null)::
    $.panel('bargauge', title, description, targets, unit, thresholds, w, h, decimals, min, max) + {
      options: {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        orientation: 'horizontal',
        displayMode: 'gradient',
        showUnfilled: true,
      },
    },

  // One row per series of the queries, merged on shared labels; `columns` renames the value
  // columns (["Value #A", "SKP coverage"], ...) in order; sorted by `sortBy` (ascending unless
  // desc). Per-column units go in `columnUnits` ([["SKP coverage", "percentunit"], ...]).
  table(title,
        description,
        targets,
        columns,
        sortBy,
        desc=false,
        columnUnits=[],
        thresholds=$.noThresholds,
        w=24,
        h=10,
        exclude=[])::
    $.panel('table', title, description, targets, 'short', thresholds, w, h) + {
      options: {
        showHeader: true,
        cellHeight: 'sm',
        footer: { show: false, reducer: ['sum'], countRows: false, fields: '' },
        sortBy: [{ displayName: sortBy, desc: desc }],
      },
      fieldConfig+: {
        overrides: [
          {
            matcher: { id: 'byName', options: cu[0] },
            properties: [
              { id: 'unit', value: cu[1] },
              { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'gradient' } },
            ] + (if std.length(cu) > 2 then [{ id: 'thresholds', value: cu[2] }] else []),
          }
          for cu in columnUnits
        ],
      },
      transformations: [
        { id: 'merge', options: {} },
        {
          id: 'organize',
          options: {
            excludeByName: { Time: true, job: true, __name__: true } + { [e]: true for e in exclude },
            renameByName: { [c[0]]: c[1] for c in columns },
          },
        },
      ],
    },

  // A distribution across agencies: how many agencies fall in each bucket of a per-agency value.
  histogram(title, description, target, unit, bucketSize, w=8, h=8)::
    $.panel('histogram', title, description, [target], unit, $.noThresholds, w, h) + {
      options: {
        bucketSize: bucketSize,
        bucketOffset: 0,
        combine: false,
        legend: { displayMode: 'list', placement: 'bottom', showLegend: false },
      },
    },

  row(title):: { type: 'row', title: title, collapsed: false, panels: [], gridPos: { w: 24, h: 1 } },

  // Layout -----------------------------------------------------------------------------------
  // `rows` is a list of lists of panels: each inner list is laid out left to right from x = 0,
  // on a line as tall as its tallest panel; lines are stacked top to bottom. Ids are assigned in
  // reading order from 1.
  layout(rows)::
    local heights = [std.foldl(function(m, p) std.max(m, p.gridPos.h), line, 0) for line in rows];
    local tops = std.foldl(function(acc, h) acc + [acc[std.length(acc) - 1] + h], heights, [0]);
    local lefts(line) = std.foldl(function(acc, p) acc + [acc[std.length(acc) - 1] + p.gridPos.w],
                                  line,
                                  [0]);
    local placed = std.flattenArrays([
      local xs = lefts(rows[i]);
      [
        rows[i][j] { gridPos+: { x: xs[j], y: tops[i] } }
        for j in std.range(0, std.length(rows[i]) - 1)
      ]
      for i in std.range(0, std.length(rows) - 1)
    ]);
    [placed[k] { id: k + 1 } for k in std.range(0, std.length(placed) - 1)],

  // Dashboard --------------------------------------------------------------------------------
  dashboard(cfg, uid, title, description, variables, rows):: {
    uid: uid,
    title: title,
    description: description,
    tags: cfg.dashboards.tags,
    editable: true,
    graphTooltip: 1,
    timezone: 'browser',
    refresh: cfg.dashboards.refresh,
    time: { from: 'now-24h', to: 'now' },
    timepicker: {},
    schemaVersion: 39,
    version: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    // The other Kinerja dashboards, keeping the time range and the shared variables.
    links: [{
      title: 'Kinerja dashboards',
      type: 'dashboards',
      tags: cfg.dashboards.tags,
      asDropdown: false,
      includeVars: true,
      keepTime: true,
      targetBlank: false,
      icon: 'external link',
      tooltip: '',
      url: '',
    }],
    annotations: {
      list: [{
        builtIn: 1,
        datasource: { type: 'grafana', uid: '-- Grafana --' },
        enable: true,
        hide: true,
        iconColor: 'rgba(0, 211, 255, 1)',
        name: 'Annotations & Alerts',
        type: 'dashboard',
      }],
    },
    templating: { list: variables },
    panels: $.layout(rows),
  },
}
