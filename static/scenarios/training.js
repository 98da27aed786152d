/* The training page: per-second rate and p95 of the running session (from its Hydra
 * series, then live "training_progress" messages on training:<id>), each finished step
 * as a point (green pass / red fail), and capacity across sessions. Elements expose
 * data-points / data-steps for tests. */
(function () {
  "use strict";
  var box = document.getElementById("training-live");
  var historyEl = document.getElementById("history-chart");

  function dark() { return document.documentElement.dataset.theme === "dark"; }

  function layout(y1, y2) {
    var grid = dark() ? "#30363d" : "#e5e7eb";
    var out = {margin: {l: 50, r: 50, t: 10, b: 40}, height: 280, showlegend: true,
      legend: {orientation: "h", y: -0.3}, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: {color: dark() ? "#e6edf3" : "#1c2330"}, yaxis: {title: {text: y1}, gridcolor: grid, rangemode: "tozero"}};
    if (y2) { out.yaxis2 = {title: {text: y2}, overlaying: "y", side: "right", rangemode: "tozero"}; }
    return out;
  }

  var CONFIG = {responsive: true, displaylogo: false};

  function drawHistory() {
    var data = JSON.parse(document.getElementById("capacity-data").textContent);
    if (!data.length) { historyEl.classList.remove("chart"); historyEl.textContent = "No capacity measured yet."; return; }
    // one point per session on a category axis (a label is never read as a number), joined
    // by a line: a single session is a dot, not one bar filling the chart
    Plotly.newPlot(historyEl, [{x: data.map(function (d) { return d.label; }), y: data.map(function (d) { return d.capacity; }),
      type: "scatter", mode: "lines+markers+text", name: "capacity req/s", marker: {size: 10, color: "#2563eb"},
      text: data.map(function (d) { return d.capacity.toFixed(0); }), textposition: "top center",
      hovertemplate: "%{x}: %{y:.1f} req/s<extra></extra>", cliponaxis: false}],
      Object.assign(layout("req/s"), {showlegend: false, xaxis: {type: "category", title: {text: "session"}}}), CONFIG);
    historyEl.dataset.sessions = String(data.length);
  }

  if (historyEl) { drawHistory(); }
  if (!box) { return; }
  var sessionId = parseInt(box.dataset.session, 10);
  var chart = document.getElementById("training-chart");
  var stepsEl = document.getElementById("steps-chart");
  var ACTIVE = {queued: 1, running: 1};

  function draw() {
    Plotly.newPlot(chart, [
      {x: [], y: [], name: "req/s", type: "scatter", mode: "lines", line: {color: "#2563eb"}},
      {x: [], y: [], name: "p95 ms", type: "scatter", mode: "lines", yaxis: "y2", line: {color: "#ea580c"}}
    ], Object.assign(layout("req/s", "p95 ms"), {xaxis: {type: "date"}}), CONFIG);
    chart.dataset.points = "0";
  }

  function stepTrace(list, name, color) {
    return {x: list.map(function (s) { return s.rate; }), y: list.map(function (s) { return s.p95_ms; }),
      mode: "markers", type: "scatter", name: name, marker: {size: 10, color: color},
      hovertext: list.map(function (s) { return "step #" + s.index + " (" + s.phase + ")"; }),
      hovertemplate: "%{hovertext}: %{x:.1f} req/s, p95 %{y:.1f} ms<extra></extra>"};
  }

  function drawSteps(steps) {
    // pass/fail by colour and legend; the step number on hover (labels next to close
    // points used to overlap)
    var passed = steps.filter(function (s) { return s.passed; });
    var failed = steps.filter(function (s) { return !s.passed; });
    Plotly.newPlot(stepsEl, [stepTrace(passed, "passed", "#16a34a"), stepTrace(failed, "failed", "#dc2626")],
      Object.assign(layout("p95 ms"), {xaxis: {title: {text: "target req/s"}}}), CONFIG);
    stepsEl.dataset.steps = String(steps.length);
  }

  function getJson(url) {
    return fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
      if (!r.ok) { throw new Error("request failed: " + r.status); }
      return r.json();
    });
  }

  var steps = [];
  function load() {
    var start = parseInt(box.dataset.started || "0", 10);
    var base = "/api/v1/metrics/?label.training=" + sessionId + "&step=1s&agg=avg&start=" + (start ? start - 5 : "-1h");
    return Promise.all([getJson(base + "&name=scenario.rps"), getJson(base + "&name=scenario.latency.p95"),
      getJson("/api/v1/training/sessions/" + sessionId + "/")]).then(function (res) {
      draw();
      [0, 1].forEach(function (i) {
        var s = res[i].series && res[i].series[0];
        if (!s) { return; }
        Plotly.extendTraces(chart, {x: [s.points.map(function (p) { return new Date(p[0] * 1000); })],
          y: [s.points.map(function (p) { return p[1]; })]}, [i]);
        if (i === 0) { chart.dataset.points = String(s.points.length); }
      });
      steps = [];
      document.querySelector("#steps-table tbody").textContent = "";
      (res[2].steps || []).forEach(function (step) { steps.push(step); addRow(step); });
      drawSteps(steps);
      if (res[2].status !== box.dataset.status) { onProgress({session: sessionId, status: res[2].status}); }
    });
  }

  function addRow(step) {
    var passed = steps.filter(function (s) { return s.passed; }).length;
    var counter = document.getElementById("training-steps");
    if (counter) { counter.textContent = passed + " / " + steps.length + " passed"; }
    var row = document.createElement("tr");
    [step.index, step.phase, step.rate.toFixed(1), step.achieved_rps.toFixed(1),
      step.p95_ms === null ? "–" : step.p95_ms.toFixed(1), (step.error_rate * 100).toFixed(0) + " %",
      step.passed ? "pass" : "fail " + step.failures.join("; ")].forEach(function (value) {
      var cell = document.createElement("td");
      cell.textContent = String(value);
      row.appendChild(cell);
    });
    document.querySelector("#steps-table tbody").appendChild(row);
  }

  function onProgress(msg) {
    if (msg.session !== sessionId) { return; }
    if (msg.second) {
      var x = new Date(msg.second.t * 1000);
      Plotly.extendTraces(chart, {x: [[x], [x]], y: [[msg.second.rps], [msg.second.p95]]}, [0, 1]);
      chart.dataset.points = String(parseInt(chart.dataset.points || "0", 10) + 1);
    }
    if (msg.step) { steps.push(msg.step); drawSteps(steps); addRow(msg.step); }
    if (msg.status !== box.dataset.status) {
      box.dataset.status = msg.status;
      var state = document.getElementById("training-state");
      if (state) { state.textContent = msg.status; }
      if (!(msg.status in ACTIVE)) { window.location.reload(); }  // ended: show the result
    }
  }

  draw();
  drawSteps([]);
  if (box.dataset.status in ACTIVE) {
    HydraLive.on("training_progress", onProgress);
    HydraLive.onReconnect(load);
    HydraLive.subscribe(["training:" + sessionId]);
  }
  load();
})();
