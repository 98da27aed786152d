/* Load-test runs as shaded time ranges on every time-series chart (the closed loop:
 * what the load did to the monitored system is visible on its own charts). Registers the
 * "runs" overlay of HydraCharts on pages that draw charts; a no-op elsewhere. */
(function () {
  "use strict";
  if (!window.HydraCharts) { return; }
  var COLORS = {failed: "rgba(220, 38, 38, 0.10)", aborted: "rgba(220, 38, 38, 0.10)"};

  function epoch(iso) { return iso ? Date.parse(iso) / 1000 : null; }

  function shape(run, ctx) {
    var start = epoch(run.started_at);
    var end = epoch(run.ended_at) || Date.now() / 1000;
    return {type: "rect", xref: "x", yref: "paper", x0: ctx.fmt(Math.max(start, ctx.start)),
      x1: ctx.fmt(Math.min(end, ctx.end)), y0: 0, y1: 1, layer: "below", line: {width: 0},
      fillcolor: COLORS[run.status] || "rgba(124, 58, 237, 0.10)",
      label: {text: "load test #" + run.id + " " + run.name, textposition: "top left",
        font: {size: 10, color: "#7c3aed"}}};
  }

  window.HydraCharts.registerOverlay("runs", function (chartEl, ctx) {
    var url = "/api/v1/runs/?start=" + Math.floor(ctx.start) + "&end=" + Math.ceil(ctx.end);
    return fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
      if (!r.ok) { throw new Error("runs overlay: " + r.status); }
      return r.json();
    }).then(function (body) {
      var runs = (body.results || []).filter(function (run) { return run.started_at; });
      chartEl.dataset.runs = String(runs.length);
      return {shapes: runs.map(function (run) { return shape(run, ctx); }), traces: []};
    });
  });
})();
