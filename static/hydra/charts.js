/* Hydra charts: Plotly time series fed by /api/v1/metrics/ and extended live.
 * A chart element: <div class="hydra-chart" data-query='{"series": "1,2", "agg": "avg"}'
 *   data-range="3600" data-kind="line|area|bar|stat|table|heatmap" data-title="..."
 *   [data-start="-2h|RFC 3339|epoch s" data-end="..."] [data-forecast="<series ids>"]
 *   [data-type="counter"] [data-step="auto"] [data-source="histogram"] [data-values="raw"]>.
 * data-source="histogram": data-query selects the _bucket series of one classic histogram
 * (or of several of one metric, summed by le), drawn as p50/p90/p99
 * (GET /api/v1/histogram-quantiles/, same query), reloaded every 30 s instead of extended
 * point by point; a button above the chart shows the raw buckets (/api/v1/metrics/, the
 * same query, live) and back (data-view="percentiles" | "buckets").
 * Times are shown in the browser's zone, or UTC when the UTC toggle is on. With
 * data-step="auto" the chart reads one step for its whole window (about 120 buckets) and
 * folds live points into the same buckets, so history and live points are drawn at one
 * density. The y axis is titled with the series' unit (when they share one); a chart of one
 * series titled with its name shows no legend.
 * Counters (every series of type "counter", or the _bucket, _sum and _count series of a
 * histogram or summary, which Prometheus counts the same way; the query's agg unset or the
 * default avg) are drawn as a per-second rate (agg=rate), with a button above the chart for
 * the raw value and back; data-values="raw" starts from the raw value.
 *
 * Overlays: things from elsewhere drawn over the time-series charts (line, area, bar),
 * e.g. anomalies (below) or load-test runs. Register one, from any script loaded after
 * this one:
 *
 *   HydraCharts.registerOverlay("runs", function (chartEl, ctx) {
 *     // ctx.start, ctx.end: the chart's window, epoch seconds (numbers)
 *     // ctx.series: [{id, name, host, labels}] drawn by the chart
 *     // ctx.fmt(epochSeconds): the x value to use (the axis follows the UTC toggle)
 *     // ctx.kind: "line" | "area" | "bar"
 *     return fetch("/api/v1/...").then(function (r) { return r.json(); }).then(function (b) {
 *       return {shapes: [{type: "rect", xref: "x", yref: "paper", x0: ctx.fmt(t0),
 *                         x1: ctx.fmt(t1), y0: 0, y1: 1, fillcolor: "rgba(0,0,0,0.08)",
 *                         line: {width: 0}, layer: "below"}],
 *               traces: []};   // Plotly traces, e.g. markers with hover text
 *     });
 *   });
 *
 * The function returns {shapes, traces} or a Promise of it (either may be missing). It is
 * called when a chart is drawn or redrawn (UTC toggle, theme), after a reconnect, and
 * while live, at most every options.overlayRefreshMs (30 s) as the window moves; each result replaces
 * that overlay's previous shapes and traces on that chart (traces get meta.overlay = name,
 * shapes name = "overlay:" + name). A failing overlay is logged and leaves the chart
 * alone. chartEl.dataset.overlays counts the overlays applied (for tests). */
(function () {
  "use strict";
  var charts = [];
  var overlays = [];            // [{name, fn}]
  var options = {overlayRefreshMs: 30000};  // HydraCharts.options: tests shorten it
  var OVERLAY_KINDS = {line: true, area: true, bar: true};

  function utc() { return localStorage.getItem("hydra-utc") === "on"; }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function fmt(epochSeconds) {
    var d = new Date(epochSeconds * 1000);
    if (utc()) {
      return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
        pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
    }
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function label(s) {
    var labels = Object.keys(s.labels || {}).sort().map(function (k) { return k + "=" + s.labels[k]; });
    return s.name + (s.host ? "@" + s.host : "") + (labels.length ? "{" + labels.join(",") + "}" : "");
  }

  function dark() { return document.documentElement.dataset.theme === "dark"; }

  function layout(title) {
    var fg = dark() ? "#e6edf3" : "#1c2330";
    return {
      title: title ? {text: title, font: {size: 13}} : undefined,
      margin: {l: 55, r: 10, t: title ? 40 : 16, b: 40}, height: 260,
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: {color: fg}, showlegend: true, legend: {orientation: "h", y: -0.25},
      xaxis: {type: "date", gridcolor: dark() ? "#30363d" : "#e5e7eb"},
      yaxis: {gridcolor: dark() ? "#30363d" : "#e5e7eb", rangemode: "tozero", automargin: true}
    };
  }

  /* The unit the series share, or "". */
  function unitOf(series) {
    var units = series.map(function (s) { return s.unit || ""; });
    return units.length && units.every(function (u) { return u === units[0]; }) ? units[0] : "";
  }

  var STEPS = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

  /* The step of an auto-stepped chart: the smallest of STEPS giving at most ~120 buckets. */
  function stepFor(seconds) {
    var want = seconds / 120;
    for (var i = 0; i < STEPS.length; i++) { if (STEPS[i] >= want) { return STEPS[i]; } }
    return STEPS[STEPS.length - 1];
  }

  function queryString(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== "" && params[k] != null; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }

  var UNIT_S = {s: 1, m: 60, h: 3600, d: 86400, w: 604800};

  /* "now", "-2h", epoch seconds or RFC 3339 (what the API accepts) -> epoch seconds. */
  function parseTime(text, nowS) {
    text = (text || "").trim();
    if (!text || text === "now") { return nowS; }
    var rel = /^-(\d+(?:\.\d+)?)([smhdw])$/.exec(text);
    if (rel) { return nowS - parseFloat(rel[1]) * UNIT_S[rel[2]]; }
    if (/^\d+(\.\d+)?$/.test(text)) { return parseFloat(text); }
    var ms = Date.parse(text);
    return isNaN(ms) ? nowS : ms / 1000;
  }

  function fetchSeries(params, source) {
    var path = source === "histogram" ? "/api/v1/histogram-quantiles/?" : "/api/v1/metrics/?";
    return fetch(path + queryString(params), {headers: {Accept: "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error("query failed: " + r.status); } return r.json(); });
  }

  function traceFor(s, kind) {
    var trace = {
      x: s.points.map(function (p) { return fmt(p[0]); }),
      y: s.points.map(function (p) { return p[1]; }),
      name: label(s), type: kind === "bar" ? "bar" : "scatter", mode: "lines"
    };
    if (kind === "area") { trace.fill = "tozeroy"; }
    return trace;
  }

  function Chart(el) {
    this.el = el;
    this.query = JSON.parse(el.dataset.query || "{}");
    this.range = parseFloat(el.dataset.range || "3600");
    this.kind = el.dataset.kind || "line";
    this.title = el.dataset.title || "";
    this.start = el.dataset.start || "";
    this.end = el.dataset.end || "";
    this.source = el.dataset.source || "";
    this.histogram = this.source === "histogram";  // percentiles, or its raw buckets
    this.live = !this.end && !this.source;
    this.autoStep = el.dataset.step === "auto" && !this.query.step;
    this.series = [];
    this.lastTs = {};
    this.buckets = {};  // series id -> {t: bucket start, sum, n}: the live bucket being filled
    this.raw = el.dataset.values === "raw";  // the user (or the page) asked for raw values
    // drawing a counter's per-second rate: known at once when the page says data-type
    this.rate = el.dataset.type === "counter" && plainAgg(this.query);
  }

  function plainAgg(query) { return !query.agg || query.agg === "avg"; }  // the pages' default

  /* Counted like a counter (metrics/counters.py is_counter). */
  function counting(s) {
    return s.type === "counter" ||
      ((s.type === "histogram" || s.type === "summary") && /_(bucket|sum|count)$/.test(s.name));
  }

  function counters(series) { return series.length > 0 && series.every(counting); }

  Chart.prototype.load = function () {
    var self = this;
    var params = Object.assign({start: self.start || "-" + Math.round(self.range) + "s", end: self.end}, self.query);
    if (self.rate) { params.agg = "rate"; }
    if (self.autoStep) {
      var win = self.window();
      self.step = stepFor(win.end - win.start);
      params.step = self.step + "s";
    }
    if (self.source && !self.end && !self.reloader) {  // percentiles: redrawn every 30 s
      self.reloader = setInterval(function () { if (self.source) { self.load(); } }, 30000);
    }
    return fetchSeries(params, self.source).then(function (body) {
      if (!self.rate && !self.raw && plainAgg(self.query) && counters(body.series)) {
        self.rate = true;         // counters: their rate by default
        return self.load();
      }
      self.series = body.series;
      self.rateToggle();
      self.sourceToggle();
      self.buckets = {};
      self.series.forEach(function (s) {
        var last = s.points.length ? s.points[s.points.length - 1] : null;
        self.lastTs[s.id] = last ? last[0] : 0;
        if (last && self.step) { self.buckets[s.id] = {t: last[0], sum: last[1], n: 1, point: null}; }
      });
      self.render();
      if (self.live) {  // remembered while live is off: turning it on subscribes
        HydraLive.subscribe(self.series.map(function (s) { return "series:" + s.id; }));
      }
    }).catch(function (err) { self.el.textContent = String(err.message || err); });
  };

  /* The "raw value" / "per-second rate" button above a counter chart. */
  Chart.prototype.rateToggle = function () {
    var self = this, el = this.el;
    el.dataset.rate = this.rate ? "1" : "0";
    var offered = this.rate || (this.raw && counters(this.series));
    if (this.toggle) { this.toggle.hidden = !offered; }
    if (!offered) { return; }
    if (!this.toggle) {
      this.toggle = document.createElement("button");
      this.toggle.type = "button";
      this.toggle.className = "chart-rate-toggle muted";
      this.toggle.addEventListener("click", function () {
        self.raw = self.rate;
        self.rate = !self.rate;
        self.load();
      });
      el.parentNode.insertBefore(this.toggle, el);
    }
    this.toggle.textContent = this.rate ? "per-second rate · show raw value" : "raw value · show rate";
  };

  /* The "show raw buckets" / "show percentiles" button above a histogram's chart. */
  Chart.prototype.sourceToggle = function () {
    var self = this;
    if (!this.histogram) { return; }
    this.el.dataset.view = this.source ? "percentiles" : "buckets";
    if (!this.viewToggle) {
      this.viewToggle = document.createElement("button");
      this.viewToggle.type = "button";
      this.viewToggle.className = "chart-source-toggle muted";
      this.viewToggle.addEventListener("click", function () {
        self.source = self.source ? "" : "histogram";
        self.title = self.source ? self.el.dataset.title || "" : "";  // the percentiles' title
        self.live = !self.end && !self.source;
        self.rate = self.raw = false;  // buckets: their rate by default, as counters
        self.load();
      });
      this.el.parentNode.insertBefore(this.viewToggle, this.el);
    }
    this.viewToggle.textContent = this.source
      ? "p50 / p90 / p99 · show raw buckets" : "raw buckets · show percentiles";
  };

  Chart.prototype.draw = function () {
    var el = this.el, kind = this.kind;
    el.dataset.points = String(this.series.reduce(function (n, s) { return n + s.points.length; }, 0));
    if (kind === "stat") { return drawStat(el, this.series); }
    if (kind === "table") { return drawTable(el, this.series); }
    if (kind === "heatmap") {
      var hm = {type: "heatmap", z: this.series.map(function (s) { return s.points.map(function (p) { return p[1]; }); }),
        x: this.series.length ? this.series[0].points.map(function (p) { return fmt(p[0]); }) : [],
        y: this.series.map(label)};
      return Plotly.newPlot(el, [hm], layout(this.title), {responsive: true, displaylogo: false});
    }
    var traces = this.series.map(function (s) { return traceFor(s, kind); });
    var look = layout(this.title);
    var unit = unitOf(this.series);
    if (this.rate) { unit = unit ? unit + "/s" : "per second"; }
    if (unit) {
      look.yaxis.title = {text: unit, standoff: 6};
      traces.forEach(function (t) { t.hovertemplate = "%{y:.4g} " + unit + "<extra>%{fullData.name}</extra>"; });
    }
    if (traces.length === 1 && this.title && this.title === traces[0].name) {
      look.showlegend = false;  // the title already names the one series
    }
    if (!el.dataset.forecast) {  // the whole chosen window, not just where points are
      var win = this.window();
      look.xaxis.range = [fmt(win.start), fmt(win.end)];
    }
    Plotly.newPlot(el, traces, look, {responsive: true, displaylogo: false});
  };

  /* Draw, then what goes on top: forecast bands and the overlays. */
  Chart.prototype.render = function () {
    this.generation = (this.generation || 0) + 1;
    this.el.dataset.forecasts = "0";
    this.draw();
    if (this.el.dataset.forecast && OVERLAY_KINDS[this.kind]) { this.addForecasts(this.el.dataset.forecast.split(",")); }
    this.applyOverlays();
  };

  /* The chart's window in epoch seconds. */
  Chart.prototype.window = function () {
    var now = Date.now() / 1000;
    var end = this.end ? parseTime(this.end, now) : now;
    var start = this.start ? parseTime(this.start, now) : end - this.range;
    return {start: start, end: end};
  };

  Chart.prototype.applyOverlays = function (only) {
    var self = this;
    if (!OVERLAY_KINDS[self.kind] || !self.series.length) { return; }
    self.overlaidAt = Date.now();
    var win = self.window(), generation = self.generation;
    var ctx = {
      start: win.start, end: win.end, kind: self.kind, fmt: fmt,
      series: self.series.map(function (s) { return {id: s.id, name: s.name, host: s.host, labels: s.labels}; })
    };
    overlays.filter(function (o) { return !only || o.name === only; }).forEach(function (o) {
      Promise.resolve().then(function () { return o.fn(self.el, ctx); }).then(function (result) {
        if (generation !== self.generation) { return; }  // redrawn meanwhile: a newer call follows
        self.placeOverlay(o.name, result || {});
      }).catch(function (err) { console.warn("overlay " + o.name + " failed:", err); });
    });
  };

  /* Replace the overlay's previous traces and shapes with these. */
  Chart.prototype.placeOverlay = function (name, result) {
    var el = this.el, data = el.data || [];
    var old = [];
    data.forEach(function (t, i) { if (t.meta && t.meta.overlay === name) { old.push(i); } });
    if (old.length) { Plotly.deleteTraces(el, old); }
    var traces = (result.traces || []).map(function (t) {
      return Object.assign({legendgroup: "overlay:" + name}, t, {meta: Object.assign({}, t.meta, {overlay: name})});
    });
    if (traces.length) { Plotly.addTraces(el, traces); }
    var shapes = ((el.layout && el.layout.shapes) || []).filter(function (sh) { return sh.name !== "overlay:" + name; });
    (result.shapes || []).forEach(function (sh) { shapes.push(Object.assign({}, sh, {name: "overlay:" + name})); });
    Plotly.relayout(el, {shapes: shapes});
    var applied = JSON.parse(el.dataset.overlays || "{}");
    applied[name] = (applied[name] || 0) + 1;
    el.dataset.overlays = JSON.stringify(applied);
  };

  /* Forecast bands (latest forecast of each series, when one exists): lower and upper
   * bounds as a filled band plus the dashed forecast line. */
  Chart.prototype.addForecasts = function (ids) {
    var self = this, generation = self.generation;
    self.series.filter(function (s) { return ids.indexOf(String(s.id)) >= 0; }).forEach(function (s) {
      fetch("/api/v1/predictions/?series=" + s.id, {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (f) {
          if (!f || !f.points || !f.points.length || generation !== self.generation) { return; }
          var x = f.points.map(function (p) { return fmt(p[0]); });
          var name = label(s) + " forecast (" + f.model + ")";
          Plotly.addTraces(self.el, [
            {x: x, y: f.points.map(function (p) { return p[2]; }), mode: "lines", line: {width: 0}, showlegend: false, hoverinfo: "skip"},
            {x: x, y: f.points.map(function (p) { return p[3]; }), mode: "lines", line: {width: 0}, fill: "tonexty", fillcolor: "rgba(47,111,235,0.15)", name: name + " band"},
            {x: x, y: f.points.map(function (p) { return p[1]; }), mode: "lines", line: {dash: "dash"}, name: name}
          ]);
          self.el.dataset.forecasts = String(parseInt(self.el.dataset.forecasts || "0", 10) + 1);
        });
    });
  };

  /* Fold points into the chart's buckets: a point in the bucket already drawn last updates
   * that bucket's mean in place; points of new buckets come back as one point per bucket
   * (its mean), to be appended. */
  Chart.prototype.fold = function (seriesId, index, points) {
    var step = this.step, cur = this.buckets[seriesId], out = [], drawnMoved = false;
    points.forEach(function (p) {
      var t = Math.floor(p[0] / step) * step;
      if (!cur || t !== cur.t) {
        cur = {t: t, sum: 0, n: 0, point: [t, p[1]]};
        out.push(cur.point);
      }
      cur.sum += p[1];
      cur.n += 1;
      if (cur.point) { cur.point[1] = cur.sum / cur.n; } else { drawnMoved = true; }
    });
    if (drawnMoved) { this.redrawLast(seriesId, index); }
    if (cur) { cur.point = null; }  // the caller draws ``out``: from now on, drawn
    this.buckets[seriesId] = cur;
    return out;
  };

  /* The last drawn bucket of a series got more points: draw its new mean. */
  Chart.prototype.redrawLast = function (seriesId, index) {
    var b = this.buckets[seriesId], mean = b.sum / b.n;
    var s = this.series[index], trace = this.el.data && this.el.data[index];
    if (s.points.length) { s.points[s.points.length - 1] = [b.t, mean]; }
    if (trace && trace.y && trace.y.length) { trace.y[trace.y.length - 1] = mean; Plotly.redraw(this.el); }
  };

  Chart.prototype.append = function (seriesId, points) {
    var index = this.series.findIndex(function (s) { return s.id === seriesId; });
    if (index < 0 || !points.length) { return; }
    if (this.rate) { return this.reloadSoon(); }  // live points are counter values: re-read rates
    var last = this.lastTs[seriesId] || 0;
    var fresh = points.filter(function (p) { return p[0] > last; });
    if (!fresh.length) { return; }
    this.lastTs[seriesId] = fresh[fresh.length - 1][0];
    if (this.step && OVERLAY_KINDS[this.kind]) {
      fresh = this.fold(seriesId, index, fresh);
      if (!fresh.length) { return; }
    }
    var s = this.series[index];
    s.points = s.points.concat(fresh);
    var end = Date.now() / 1000;
    if (this.kind === "stat" || this.kind === "table") { return this.draw(); }
    if (this.kind === "heatmap") { return this.reloadSoon(); }
    this.el.dataset.points = String(parseInt(this.el.dataset.points || "0", 10) + fresh.length);
    var keep = Math.max(50, Math.round(s.points.length * 1.0));
    Plotly.extendTraces(this.el, {x: [fresh.map(function (p) { return fmt(p[0]); })],
      y: [fresh.map(function (p) { return p[1]; })]}, [index], keep);
    Plotly.relayout(this.el, {"xaxis.range": [fmt(end - this.range), fmt(end)]});
    if (Date.now() - (this.overlaidAt || 0) > options.overlayRefreshMs) { this.applyOverlays(); }
  };

  /* Heatmaps and rates are re-read from the API (their buckets are aligned there), at most
   * every 15 s. */
  Chart.prototype.reloadSoon = function () {
    var self = this;
    if (self.reloading) { return; }
    self.reloading = setTimeout(function () { self.reloading = null; self.load(); }, 15000);
  };

  Chart.prototype.backfill = function () {
    var self = this;
    if (self.rate) { return self.load(); }
    self.series.forEach(function (s) {
      var since = self.lastTs[s.id];
      if (!since) { return; }
      fetchSeries({series: String(s.id), start: String(since + 0.000001), agg: "last", step: "1"})
        .then(function (body) {
          (body.series || []).forEach(function (b) { self.append(b.id, b.points); });
        });
    });
  };

  function drawStat(el, series) {
    el.innerHTML = "";
    series.forEach(function (s) {
      var last = s.points.length ? s.points[s.points.length - 1][1] : null;
      var box = document.createElement("div");
      box.className = "stat";
      box.innerHTML = "<span class='stat-value'></span><span class='muted'></span>";
      box.firstChild.textContent = last === null ? "–" : Number(last).toPrecision(4);
      box.lastChild.textContent = label(s);
      el.appendChild(box);
    });
  }

  function drawTable(el, series) {
    var rows = ["<table><thead><tr><th>series</th><th>time</th><th>value</th></tr></thead><tbody>"];
    series.forEach(function (s) {
      s.points.slice(-20).reverse().forEach(function (p) {
        rows.push("<tr><td></td><td>" + fmt(p[0]) + "</td><td>" + String(parseFloat(Number(p[1]).toPrecision(6))) + "</td></tr>");
      });
    });
    el.innerHTML = rows.join("") + "</tbody></table>";
    var cells = el.querySelectorAll("tbody td:first-child"), i = 0;
    series.forEach(function (s) { s.points.slice(-20).forEach(function () { cells[i++].textContent = label(s); }); });
  }

  HydraLive.on("points", function (msg) {
    charts.forEach(function (c) { c.append(msg.series, msg.points); });
  });
  HydraLive.onReconnect(function () {
    charts.forEach(function (c) { c.backfill(); c.applyOverlays(); });
  });

  function init(root) {
    (root || document).querySelectorAll(".hydra-chart:not([data-ready])").forEach(function (el) {
      el.dataset.ready = "1";
      var chart = new Chart(el);
      charts.push(chart);
      chart.load();
    });
  }

  function redraw() { charts.forEach(function (c) { if (c.series.length) { c.render(); } }); }

  function registerOverlay(name, fn) {
    overlays = overlays.filter(function (o) { return o.name !== name; });
    overlays.push({name: name, fn: fn});
    charts.forEach(function (c) { if (c.series.length) { c.applyOverlays(name); } });
  }

  /* The theme toggle flips <html data-theme>: redraw with the matching colours. */
  new MutationObserver(redraw).observe(document.documentElement, {attributes: true, attributeFilter: ["data-theme"]});

  /* The first overlay: anomalies the detectors stored for the chart's series in its window
   * (GET /api/v1/anomalies/, newest 100, dismissed ones left out): a marker on the line at
   * each anomalous point, hover showing score, value and the expected value with its band,
   * and the expected band itself, shaded around each point. */
  function num(v) { return v === null || v === undefined ? "–" : String(parseFloat(Number(v).toPrecision(4))); }

  function anomalyOverlay(el, ctx) {
    var ids = ctx.series.map(function (s) { return String(s.id); })
      .filter(function (id) { return /^\d+$/.test(id); }).slice(0, 200);  // not percentiles
    if (!ids.length) { return {}; }
    var url = "/api/v1/anomalies/?" + queryString({series: ids.join(","), start: String(Math.floor(ctx.start)),
      end: String(Math.ceil(ctx.end)), dismissed: "false"});
    return fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
      if (!r.ok) { throw new Error("anomalies: HTTP " + r.status); }
      return r.json();
    }).then(function (body) {
      var rows = body.results || [];
      el.dataset.anomalies = String(rows.length);
      var names = {};
      ctx.series.forEach(function (s) { names[s.id] = label(s); });
      var half = Math.max((ctx.end - ctx.start) / 120, 5);
      var bySeries = {};
      rows.forEach(function (a) { (bySeries[a.series] = bySeries[a.series] || []).push(a); });
      var traces = [], shapes = [];
      Object.keys(bySeries).forEach(function (sid) {
        var list = bySeries[sid].sort(function (a, b) { return a.ts - b.ts; });
        var suffix = ctx.series.length > 1 ? " · " + (names[sid] || sid) : "";
        var withBand = list.filter(function (a) { return a.expected !== null && a.expected !== undefined; });
        traces.push({
          x: list.map(function (a) { return ctx.fmt(a.ts / 1e6); }),
          y: list.map(function (a) { return a.value; }),
          customdata: list.map(function (a) { return [a.id, a.score, a.expected, a.lower, a.upper]; }),
          text: list.map(function (a) {
            return "anomaly (" + a.detector + ")<br>score " + Number(a.score).toFixed(2) + "<br>value " + num(a.value) +
              "<br>expected " + num(a.expected) + (a.lower !== null && a.upper !== null ? " (" + num(a.lower) + " – " + num(a.upper) + ")" : "");
          }),
          hovertemplate: "%{text}<extra></extra>", type: "scatter", mode: "markers", name: "anomalies" + suffix,
          marker: {color: "#cf222e", size: 10, symbol: "circle-open", line: {width: 2.5}}
        });
        if (withBand.length) {
          traces.push({
            x: withBand.map(function (a) { return ctx.fmt(a.ts / 1e6); }),
            y: withBand.map(function (a) { return a.expected; }),
            error_y: {type: "data", symmetric: false, color: "rgba(191,135,0,0.8)", thickness: 1.5, width: 4,
              array: withBand.map(function (a) { return a.upper === null ? 0 : a.upper - a.expected; }),
              arrayminus: withBand.map(function (a) { return a.lower === null ? 0 : a.expected - a.lower; })},
            hovertemplate: "expected %{y:.4g}<extra></extra>", type: "scatter", mode: "markers",
            name: "expected band" + suffix, marker: {color: "rgba(191,135,0,0.9)", size: 8, symbol: "line-ew-open"}
          });
        }
        withBand.filter(function (a) { return a.lower !== null && a.upper !== null; }).forEach(function (a) {
          shapes.push({type: "rect", xref: "x", yref: "y", x0: ctx.fmt(a.ts / 1e6 - half), x1: ctx.fmt(a.ts / 1e6 + half),
            y0: a.lower, y1: a.upper, fillcolor: "rgba(191,135,0,0.18)", line: {width: 0}, layer: "below"});
        });
      });
      return {traces: traces, shapes: shapes};
    });
  }
  overlays.push({name: "anomalies", fn: anomalyOverlay});

  window.HydraCharts = {init: init, fmt: fmt, charts: charts, utc: utc, redraw: redraw,
    registerOverlay: registerOverlay, parseTime: parseTime, options: options};
  document.addEventListener("DOMContentLoaded", function () { init(); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
