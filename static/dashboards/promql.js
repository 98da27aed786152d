/* Explore in PromQL: run the query in the URL through /prometheus/api/v1/query_range, chart
   it with Plotly (times as the other charts show them: HydraCharts.fmt), show errors under
   the query, and complete metric and label names from the same API. No inline script. */
(function () {
  "use strict";
  var input, box, errorEl, statusEl, chart, api;
  var names = {metrics: [], labels: []};
  var picked = 0;

  function get(path, params, base) {
    var qs = Object.keys(params || {}).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
    return fetch((base || api) + path + (qs ? "?" + qs : ""), {credentials: "same-origin",
      headers: {Accept: "application/json"}}).then(function (r) {
      return r.json().catch(function () { return {status: "error", errorType: "http", error: "HTTP " + r.status}; })
        .then(function (body) {
          if (!r.ok && body.status !== "error") {
            body = {status: "error", errorType: "http", error: body.detail || "HTTP " + r.status};
          }
          return body;
        });
    });
  }

  function showError(body) {
    errorEl.textContent = body ? body.errorType + ": " + body.error : "";
    errorEl.hidden = !body;
    if (body) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  function seriesName(metric) {
    var keys = Object.keys(metric).filter(function (k) { return k !== "__name__"; }).sort();
    var inner = keys.map(function (k) { return k + '="' + metric[k] + '"'; }).join(", ");
    return (metric.__name__ || "") + (inner || !metric.__name__ ? "{" + inner + "}" : "");
  }

  function window_(el) {
    var now = Date.now() / 1000;
    var start = el.dataset.start, end = el.dataset.end;
    if (start) {
      return {start: HydraCharts.parseTime(start, now), end: HydraCharts.parseTime(end || "now", now)};
    }
    return {start: now - (parseFloat(el.dataset.range) || 3600), end: now};
  }

  function draw(el, data, status) {
    var rows = data.resultType === "scalar" ? [{metric: {}, values: [data.result]}] : data.result;
    var traces = rows.map(function (s) {
      return {type: "scatter", mode: "lines", name: seriesName(s.metric),
        x: s.values.map(function (v) { return HydraCharts.fmt(v[0]); }),
        y: s.values.map(function (v) { var y = parseFloat(v[1]); return isFinite(y) ? y : null; })};
    });
    var points = rows.reduce(function (n, s) { return n + s.values.length; }, 0);
    status.textContent = rows.length + " series, " + points + " points";
    var dark = document.documentElement.dataset.theme === "dark";
    Plotly.react(el, traces, {
      margin: {l: 55, r: 10, t: 16, b: 40}, height: 360, showlegend: true,
      legend: {orientation: "h", y: -0.2}, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: {color: dark ? "#e6edf3" : "#1c2330"}, xaxis: {type: "date"}, yaxis: {automargin: true}
    }, {displaylogo: false, responsive: true});
  }

  function run() {
    var query = input.value.trim();
    if (!query) { return; }
    var w = window_(chart);
    var step = Math.max(1, Math.ceil((w.end - w.start) / 300));
    statusEl.textContent = "running…";
    get("/query_range", {query: query, start: w.start.toFixed(3), end: w.end.toFixed(3), step: step})
      .then(function (body) {
        if (body.status !== "success") { showError(body); statusEl.textContent = ""; return; }
        showError(null);
        draw(chart, body.data, statusEl);
      }).catch(function (e) { showError({errorType: "network", error: String(e)}); });
  }

  /* The word being typed, and whether it is a label name (inside {…} or by/without (…)). */
  function current() {
    var before = input.value.slice(0, input.selectionStart);
    var word = (/[A-Za-z_:][A-Za-z0-9_:.]*$/.exec(before) || [""])[0];
    var open = before.lastIndexOf("{") > before.lastIndexOf("}") ||
      /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$/.test(before);
    return {word: word, label: open};
  }

  function suggest() {
    var c = current();
    var pool = c.label ? names.labels : names.metrics;
    var hits = c.word ? pool.filter(function (n) { return n.indexOf(c.word) === 0 && n !== c.word; }).slice(0, 10) : [];
    box.innerHTML = "";
    hits.forEach(function (n, i) {
      var li = document.createElement("li");
      li.textContent = n;
      li.setAttribute("role", "option");
      li.addEventListener("mousedown", function (e) { e.preventDefault(); take(n); });
      box.appendChild(li);
    });
    picked = 0;
    mark();
    box.hidden = !hits.length;
  }

  function mark() {
    Array.prototype.forEach.call(box.children, function (li, i) {
      li.setAttribute("aria-selected", i === picked ? "true" : "false");
    });
  }

  function take(name) {
    var c = current(), at = input.selectionStart;
    input.value = input.value.slice(0, at - c.word.length) + name + input.value.slice(at);
    var caret = at - c.word.length + name.length;
    input.setSelectionRange(caret, caret);
    box.hidden = true;
    input.focus();
  }

  function onKey(e) {
    if (!box.hidden && box.children.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        picked = (picked + (e.key === "ArrowDown" ? 1 : box.children.length - 1)) % box.children.length;
        mark();
        e.preventDefault();
        return;
      }
      if (e.key === "Tab" || e.key === "Enter") { take(box.children[picked].textContent); e.preventDefault(); return; }
      if (e.key === "Escape") { box.hidden = true; return; }
    }
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); input.form.requestSubmit(); }
  }

  /* Saved dashboards: each panel with data-promql (variables already filled in). */
  function panels() {
    Array.prototype.forEach.call(document.querySelectorAll(".promql-panel"), function (el) {
      var status = document.createElement("p");
      status.className = "muted";
      el.parentNode.insertBefore(status, el);
      var w = window_(el);
      var step = Math.max(1, Math.ceil((w.end - w.start) / 300));
      get("/query_range", {query: el.dataset.promql, start: w.start.toFixed(3), end: w.end.toFixed(3), step: step},
        el.dataset.api).then(function (body) {
        if (body.status !== "success") {
          status.className = "error";
          status.setAttribute("role", "alert");
          status.textContent = body.errorType + ": " + body.error;
          return;
        }
        draw(el, body.data, status);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    panels();
    input = document.getElementById("promql-input");
    if (!input) { return; }
    box = document.getElementById("promql-suggestions");
    errorEl = document.getElementById("promql-error");
    statusEl = document.getElementById("promql-status");
    chart = document.getElementById("promql-chart");
    api = input.dataset.api;
    get("/label/__name__/values").then(function (b) { if (b.status === "success") { names.metrics = b.data; } });
    get("/labels").then(function (b) { if (b.status === "success") { names.labels = b.data; } });
    input.addEventListener("input", suggest);
    input.addEventListener("keydown", onKey);
    input.addEventListener("blur", function () { box.hidden = true; });
    run();
  });
})();
