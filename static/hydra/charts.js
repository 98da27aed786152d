/* Hydra charts: Plotly time series fed by /api/v1/metrics/ and extended live.
 * A chart element: <div class="hydra-chart" data-query='{"series": "1,2", "agg": "avg"}'
 *   data-range="3600" data-kind="line|area|bar|stat|table|heatmap" data-title="...">.
 * Times are shown in the browser's zone, or UTC when the UTC toggle is on. */
(function () {
  "use strict";
  var charts = [];

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
      margin: {l: 50, r: 10, t: title ? 30 : 10, b: 40}, height: 260,
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: {color: fg}, showlegend: true, legend: {orientation: "h", y: -0.25},
      xaxis: {type: "date", gridcolor: dark() ? "#30363d" : "#e5e7eb"},
      yaxis: {gridcolor: dark() ? "#30363d" : "#e5e7eb", rangemode: "tozero"}
    };
  }

  function queryString(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== "" && params[k] != null; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }

  function fetchSeries(params) {
    return fetch("/api/v1/metrics/?" + queryString(params), {headers: {Accept: "application/json"}})
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
    this.live = !this.end;
    this.series = [];
    this.lastTs = {};
  }

  Chart.prototype.load = function () {
    var self = this;
    var params = Object.assign({start: self.start || "-" + Math.round(self.range) + "s", end: self.end}, self.query);
    return fetchSeries(params).then(function (body) {
      self.series = body.series;
      self.series.forEach(function (s) {
        var last = s.points.length ? s.points[s.points.length - 1][0] : 0;
        self.lastTs[s.id] = last;
      });
      self.draw();
      if (self.el.dataset.forecast) { self.addForecasts(self.el.dataset.forecast.split(",")); }
      if (self.live && self.kind !== "table" && self.kind !== "stat" && HydraLive.enabled()) {
        HydraLive.subscribe(self.series.map(function (s) { return "series:" + s.id; }));
      }
    }).catch(function (err) { self.el.textContent = String(err.message || err); });
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
    Plotly.newPlot(el, traces, layout(this.title), {responsive: true, displaylogo: false});
  };

  /* Forecast bands (latest forecast of each series, when one exists): lower and upper
   * bounds as a filled band plus the dashed forecast line. */
  Chart.prototype.addForecasts = function (ids) {
    var self = this;
    self.series.filter(function (s) { return ids.indexOf(String(s.id)) >= 0; }).forEach(function (s) {
      fetch("/api/v1/predictions/?series=" + s.id, {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (f) {
          if (!f || !f.points || !f.points.length) { return; }
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

  Chart.prototype.append = function (seriesId, points) {
    var index = this.series.findIndex(function (s) { return s.id === seriesId; });
    if (index < 0 || !points.length) { return; }
    var last = this.lastTs[seriesId] || 0;
    var fresh = points.filter(function (p) { return p[0] > last; });
    if (!fresh.length) { return; }
    this.lastTs[seriesId] = fresh[fresh.length - 1][0];
    var s = this.series[index];
    s.points = s.points.concat(fresh);
    this.el.dataset.points = String(parseInt(this.el.dataset.points || "0", 10) + fresh.length);
    var keep = Math.max(50, Math.round(s.points.length * 1.0));
    Plotly.extendTraces(this.el, {x: [fresh.map(function (p) { return fmt(p[0]); })],
      y: [fresh.map(function (p) { return p[1]; })]}, [index], keep);
    var end = Date.now() / 1000;
    Plotly.relayout(this.el, {"xaxis.range": [fmt(end - this.range), fmt(end)]});
  };

  Chart.prototype.backfill = function () {
    var self = this;
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
        rows.push("<tr><td></td><td>" + fmt(p[0]) + "</td><td>" + Number(p[1]).toPrecision(6) + "</td></tr>");
      });
    });
    el.innerHTML = rows.join("") + "</tbody></table>";
    var cells = el.querySelectorAll("tbody td:first-child"), i = 0;
    series.forEach(function (s) { s.points.slice(-20).forEach(function () { cells[i++].textContent = label(s); }); });
  }

  HydraLive.on("points", function (msg) {
    charts.forEach(function (c) { c.append(msg.series, msg.points); });
  });
  HydraLive.onReconnect(function () { charts.forEach(function (c) { c.backfill(); }); });

  function init(root) {
    (root || document).querySelectorAll(".hydra-chart:not([data-ready])").forEach(function (el) {
      el.dataset.ready = "1";
      var chart = new Chart(el);
      charts.push(chart);
      chart.load();
    });
  }

  function redraw() { charts.forEach(function (c) { c.draw(); }); }

  window.HydraCharts = {init: init, fmt: fmt, charts: charts, utc: utc, redraw: redraw};
  document.addEventListener("DOMContentLoaded", function () { init(); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
