/* A series' forecast page: history from /api/v1/metrics/, the latest forecast and its
 * interval band from /api/v1/predictions/, redrawn live when a new forecast is stored
 * (websocket "forecast" messages on series:<id>). The chart element exposes
 * data-traces / data-forecast-points / data-forecast-id for tests. */
(function () {
  "use strict";
  var el = document.getElementById("forecast-chart");
  if (!el) { return; }
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

  function traces(points) {
    var out = [{x: history.map(function (p) { return date(p[0]); }), y: history.map(function (p) { return p[1]; }),
      name: "history", type: "scatter", mode: "lines", line: {color: "#2563eb"}}];
    if (!points || !points.length) { return out; }
    var x = points.map(function (p) { return date(p[0]); });
    var col = function (i) { return points.map(function (p) { return p[i]; }); };
    out.push({x: x, y: col(2), name: "lower", type: "scatter", mode: "lines",
      line: {width: 0}, showlegend: false, hoverinfo: "skip"});
    out.push({x: x, y: col(3), name: "interval", type: "scatter", mode: "lines", fill: "tonexty",
      fillcolor: "rgba(234, 88, 12, 0.2)", line: {width: 0}});
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
    var data = traces(forecast ? forecast.points : []);
    el.dataset.traces = String(data.length);
    el.dataset.historyPoints = String(history.length);
    el.dataset.forecastPoints = String(forecast ? forecast.points.length : 0);
    if (forecast) { el.dataset.forecastId = String(forecast.forecast); }
    Plotly.react(el, data, layout(), {responsive: true, displaylogo: false});
  }

  function load() {
    var step = Math.max(60, parseInt(el.dataset.step || "3600", 10));
    var params = "series=" + seriesId + "&start=-" + el.dataset.history + "s&step=" + step + "s&agg=avg";
    return Promise.all([getJson("/api/v1/metrics/?" + params), getJson("/api/v1/predictions/?series=" + seriesId)])
      .then(function (res) {
        var series = res[0] && res[0].series && res[0].series[0];
        history = series ? series.points : [];
        draw(res[1]);
      }).catch(function (err) { el.textContent = String(err.message || err); });
  }

  load().then(function () {
    if (!HydraLive.enabled()) { return; }
    HydraLive.on("forecast", function (msg) {
      if (msg.series !== seriesId) { return; }
      draw(msg);
      var meta = document.getElementById("forecast-meta");
      if (meta) { meta.textContent = msg.model + " · made just now"; }
    });
    HydraLive.subscribe(["series:" + seriesId]);
  });
})();
