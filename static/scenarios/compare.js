/* Compare two runs: the same metric of both, aligned on seconds since each run started. */
(function () {
  "use strict";
  var COLORS = ["#2563eb", "#ea580c"];

  function getJson(url) {
    return fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
      if (!r.ok) { throw new Error("request failed: " + r.status); }
      return r.json();
    });
  }

  function plot(el) {
    var runs = el.dataset.runs.split(",");
    var starts = el.dataset.starts.split(",").map(Number);
    Promise.all(runs.map(function (run, i) {
      var url = "/api/v1/metrics/?name=" + el.dataset.metric + "&label.run=" + run + "&start=" + (starts[i] - 5) +
        "&end=" + (starts[i] + 4 * 3600) + "&step=1s&agg=avg";
      return getJson(url).then(function (body) {
        var s = body.series && body.series[0];
        var pts = s ? s.points : [];
        return {x: pts.map(function (p) { return p[0] - starts[i]; }), y: pts.map(function (p) { return p[1]; }),
          name: "run #" + run, type: "scatter", mode: "lines", line: {color: COLORS[i]}};
      });
    })).then(function (traces) {
      el.dataset.traces = String(traces.filter(function (t) { return t.x.length; }).length);
      Plotly.newPlot(el, traces, {margin: {l: 50, r: 10, t: 10, b: 40}, height: 300,
        xaxis: {title: {text: "seconds since start"}}, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
        legend: {orientation: "h", y: -0.25}}, {responsive: true, displaylogo: false});
    }).catch(function (err) { el.textContent = String(err.message || err); });
  }

  document.querySelectorAll(".compare-chart").forEach(plot);
})();
