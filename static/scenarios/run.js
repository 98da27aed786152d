/* The live run page: throughput and latency charts filled from the run's Hydra series
 * (/api/v1/metrics/?label.run=<id>) and extended every second by "run_progress"
 * messages on run:<id>; KPI cards and threshold badges follow; when the run ends the
 * summary fragment is swapped in (htmx) without reloading the page. After a reconnect the
 * charts are re-read from the API, so no second is lost. Elements expose data-points
 * (seconds drawn) and data-status for tests. */
(function () {
  "use strict";
  var view = document.getElementById("run-view");
  if (!view) { return; }
  var runId = parseInt(view.dataset.run, 10);
  var rpsEl = document.getElementById("run-rps");
  var latEl = document.getElementById("run-latency");
  var METRICS = [["scenario.rps", rpsEl, 0], ["scenario.latency.p50", latEl, 0],
    ["scenario.latency.p95", latEl, 1], ["scenario.latency.p99", latEl, 2]];
  var lastT = 0;
  var FINAL = {completed: 1, aborted: 1, cancelled: 1, failed: 1};

  function dark() { return document.documentElement.dataset.theme === "dark"; }

  function layout(yTitle) {
    var grid = dark() ? "#30363d" : "#e5e7eb";
    return {margin: {l: 50, r: 10, t: 10, b: 40}, height: 300, showlegend: true,
      legend: {orientation: "h", y: -0.25}, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: {color: dark() ? "#e6edf3" : "#1c2330"}, xaxis: {type: "date", gridcolor: grid},
      yaxis: {title: {text: yTitle}, gridcolor: grid, rangemode: "tozero"}};
  }

  function trace(name, color) {
    return {x: [], y: [], name: name, type: "scatter", mode: "lines+markers", marker: {size: 4}, line: {color: color}};
  }

  function draw() {
    Plotly.newPlot(rpsEl, [trace("req/s", "#2563eb"), trace("errors/s", "#dc2626")], layout("per second"),
      {responsive: true, displaylogo: false});
    Plotly.newPlot(latEl, [trace("p50", "#16a34a"), trace("p95", "#ea580c"), trace("p99", "#9333ea")],
      layout("ms"), {responsive: true, displaylogo: false});
    rpsEl.dataset.points = "0";
  }

  function getJson(url) {
    return fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
      if (!r.ok) { throw new Error("request failed: " + r.status); }
      return r.json();
    });
  }

  function history() {
    var start = parseInt(view.dataset.started || "0", 10);
    if (!start) { return Promise.resolve(); }
    var base = "/api/v1/metrics/?label.run=" + runId + "&start=" + (start - 5) + "&step=1s&agg=avg&name=";
    var names = METRICS.map(function (m) { return m[0]; }).concat(["scenario.errors"]);
    return Promise.all(names.map(function (n) { return getJson(base + n); })).then(function (bodies) {
      draw();
      lastT = 0;
      bodies.forEach(function (body, i) {
        var s = body.series && body.series[0];
        if (!s) { return; }
        var el = i < METRICS.length ? METRICS[i][1] : rpsEl;
        var index = i < METRICS.length ? METRICS[i][2] : 1;
        Plotly.extendTraces(el, {x: [s.points.map(function (p) { return new Date(p[0] * 1000); })],
          y: [s.points.map(function (p) { return p[1]; })]}, [index]);
        if (i === 0) {
          rpsEl.dataset.points = String(s.points.length);
          if (s.points.length) { lastT = s.points[s.points.length - 1][0]; }
        }
      });
    });
  }

  function text(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }

  function fixed(v, unit) { return v === null || v === undefined ? "–" : v.toFixed(1) + (unit || ""); }

  function addSecond(sec) {
    if (sec.t <= lastT) { return; }
    var final = !!document.querySelector("#run-kpis[data-final]");
    lastT = sec.t;
    var x = [[new Date(sec.t * 1000)]];
    Plotly.extendTraces(rpsEl, {x: [x[0], x[0]], y: [[sec.rps], [sec.errors]]}, [0, 1]);
    Plotly.extendTraces(latEl, {x: [x[0], x[0], x[0]], y: [[sec.p50], [sec.p95], [sec.p99]]}, [0, 1, 2]);
    rpsEl.dataset.points = String(parseInt(rpsEl.dataset.points || "0", 10) + 1);
    if (final) { return; }  // the big numbers show the whole run's figures now
    text("kpi-elapsed", Math.round(sec.elapsed) + " s");
    text("kpi-rps", fixed(sec.rps));
    text("kpi-p95", fixed(sec.p95, " ms"));
    text("kpi-errors", String(sec.errors));
  }

  function badges(thresholds) {
    if (document.querySelector("#run-kpis[data-final]")) { return; }  // whole-run results shown
    (thresholds || []).forEach(function (t) {
      var el = document.querySelector('#thresholds [data-threshold="' + CSS.escape(t.threshold) + '"]');
      if (!el) { return; }
      el.classList.toggle("status-critical", !!t.failing_now);
      el.classList.toggle("status-warning", !t.failing_now && t.ever_failed_window);
      el.classList.toggle("ok", !t.ever_failed_window);
      el.title = t.failing_now ? "failing in the last window" :
        (t.ever_failed_window ? "failed in " + t.window_failures + " window(s)" : "holding");
    });
  }

  function setStatus(status) {
    var el = document.getElementById("run-status");
    el.textContent = status;
    el.className = "badge run-" + status;
    view.dataset.status = status;
    if (!view.dataset.started && status === "running") { view.dataset.started = String(Math.floor(Date.now() / 1000)); }
    if (FINAL[status]) {
      var stop = document.getElementById("stop-form");
      if (stop) { stop.remove(); }
      htmx.ajax("GET", view.dataset.summaryUrl, {target: "#run-summary", swap: "innerHTML"});
    }
  }

  var loading = true;
  var pending = [];  // messages that arrive while the history loads

  function onProgress(msg) {
    if (msg.run !== runId) { return; }
    if (loading) { pending.push(msg); return; }
    if (msg.second) { addSecond(msg.second); }
    if (msg.thresholds && msg.thresholds.length) { badges(msg.thresholds); }
    if (msg.status !== view.dataset.status) { setStatus(msg.status); }
  }

  function load() {
    loading = true;
    return history().catch(function (err) { rpsEl.dataset.error = String(err.message || err); })
      .then(function () {
        loading = false;
        pending.splice(0).forEach(onProgress);
      });
  }

  draw();
  if (!FINAL[view.dataset.status]) {
    HydraLive.on("run_progress", onProgress);
    HydraLive.onReconnect(load);
    HydraLive.subscribe(["run:" + runId]);
  }
  load();
})();
