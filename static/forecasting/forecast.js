/* Forecast pages. Every "Forecast now" control (.run-control[data-series-id]) shows its
 * series' run as it goes: queued, running, then done or failed with the reason
 * (websocket "forecast_run" messages on series:<id>). On a series' page the chart shows the
 * history from /api/v1/metrics/ and the latest forecast with its two calibrated bands (the
 * run's level, 80 % by default, and 95 %) from
 * /api/v1/predictions/, redrawn live when a new forecast is stored ("forecast" messages),
 * and the summary and backtest are refreshed. The chart element exposes data-traces /
 * data-forecast-points / data-forecast-id for tests. */
(function () {
  "use strict";
  var CONTROLS = ".run-control[data-series-id]";  // swapped by htmx: look them up each time
  var el = document.getElementById("forecast-chart");

  function showRun(msg) {
    document.querySelectorAll(CONTROLS).forEach(function (box) {
      if (parseInt(box.dataset.seriesId, 10) !== msg.series) { return; }
      var status = box.querySelector(".run-status");
      if (!status) { return; }
      status.dataset.status = msg.status;
      status.textContent = msg.status === "error" ? "Forecast " + msg.message
        : msg.status === "ok" ? "Forecast done: " + msg.message : "Forecast " + msg.message;
      status.className = "run-status " + (msg.status === "error" ? "status-critical"
        : msg.status === "ok" ? "status-ok" : "muted");
    });
  }

  function watchRuns() {
    var controls = document.querySelectorAll(CONTROLS);
    if (!window.HydraLive || !HydraLive.enabled() || !controls.length) { return; }
    HydraLive.on("forecast_run", showRun);
    var topics = Array.prototype.map.call(controls, function (box) { return "series:" + box.dataset.seriesId; });
    HydraLive.subscribe(topics);
  }

  if (!el) { watchRuns(); return; }
  var seriesId = parseInt(el.dataset.seriesId, 10);
  var history = [];

  function getJson(url) {
    return fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
      if (r.status === 404) { return null; }
      if (!r.ok) { throw new Error("request failed: " + r.status); }
      return r.json();
    });
  }

  function dark() { return document.documentElement.dataset.theme === "dark"; }

  function date(ts) { return new Date(ts * 1000); }

  function pct(level) { return Math.round(level * 100) + " %"; }

  function band(x, lo, hi, name, color) {
    return [{x: x, y: lo, name: name + " lower", type: "scatter", mode: "lines",
      line: {width: 0}, showlegend: false, hoverinfo: "skip"},
      {x: x, y: hi, name: name, type: "scatter", mode: "lines", fill: "tonexty",
        fillcolor: color, line: {width: 0}}];
  }

  /* points: [ts, yhat, lower, upper] at the run's level (levels[0]); outer: [ts, lower,
   * upper] of the 95 % band (empty on older forecasts), drawn first, lighter. */
  function traces(points, levels, outer) {
    var out = [{x: history.map(function (p) { return date(p[0]); }), y: history.map(function (p) { return p[1]; }),
      name: "history", type: "scatter", mode: "lines", line: {color: "#2563eb"}}];
    if (!points || !points.length) { return out; }
    levels = levels || [0.8, 0.95];
    var x = points.map(function (p) { return date(p[0]); });
    var col = function (i) { return points.map(function (p) { return p[i]; }); };
    if (outer && outer.length && levels[1] !== levels[0]) {
      var ox = outer.map(function (p) { return date(p[0]); });
      var ocol = function (i) { return outer.map(function (p) { return p[i]; }); };
      out = out.concat(band(ox, ocol(1), ocol(2), pct(levels[1]) + " interval", "rgba(234, 88, 12, 0.1)"));
    }
    out = out.concat(band(x, col(2), col(3), pct(levels[0]) + " interval", "rgba(234, 88, 12, 0.25)"));
    out.push({x: x, y: col(1), name: "forecast", type: "scatter", mode: "lines",
      line: {color: "#ea580c", dash: "dash"}});
    return out;
  }

  function layout() {
    var grid = dark() ? "#30363d" : "#e5e7eb";
    return {margin: {l: 50, r: 10, t: 10, b: 40}, height: 360, showlegend: true,
      legend: {orientation: "h", y: -0.2}, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: {color: dark() ? "#e6edf3" : "#1c2330"}, xaxis: {type: "date", gridcolor: grid}, yaxis: {gridcolor: grid}};
  }

  function draw(forecast) {
    var data = forecast ? traces(forecast.points, forecast.levels, forecast.band_95) : traces([]);
    el.dataset.traces = String(data.length);
    el.dataset.historyPoints = String(history.length);
    el.dataset.forecastPoints = String(forecast ? forecast.points.length : 0);
    if (forecast) { el.dataset.forecastId = String(forecast.forecast); }
    Plotly.react(el, data, layout(), {responsive: true, displaylogo: false});
  }

  function load() {
    var step = parseInt(el.dataset.step || "0", 10);  // 0: the API picks (≤ 1,000 points)
    var params = "series=" + seriesId + "&start=-" + el.dataset.history + "s&agg=" + (el.dataset.agg || "avg") +
      (step ? "&step=" + Math.max(10, step) + "s" : "");
    var stored = el.dataset.forecastId ? getJson("/api/v1/predictions/?series=" + seriesId) : null;
    return Promise.all([getJson("/api/v1/metrics/?" + params), stored])
      .then(function (res) {
        var series = res[0] && res[0].series && res[0].series[0];
        history = series ? series.points : [];
        draw(res[1]);
      }).catch(function (err) { el.textContent = String(err.message || err); });
  }

  function refreshSummary() {
    ["#forecast-meta", "#backtest"].forEach(function (part) {
      htmx.ajax("GET", location.pathname, {target: part, select: part, swap: "outerHTML"});
    });
  }

  load().then(function () {
    if (!HydraLive.enabled()) { return; }
    HydraLive.on("forecast", function (msg) {
      if (msg.series !== seriesId) { return; }
      draw(msg);
      refreshSummary();
    });
    watchRuns();
  });
})();
