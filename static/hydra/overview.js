/* Overview: live values and sparklines on the host cards (topic host:<host>). */
(function () {
  "use strict";
  var W = 600, H = 100, PAD = 2;  // the sparklines' viewBox (metrics/sparklines.py)

  function hosts() {
    return Array.from(document.querySelectorAll(".host-card[data-host]")).map(function (el) { return el.dataset.host; });
  }

  function format(v) {
    var a = Math.abs(v);
    if (a >= 1e6) { return (v / 1e6).toFixed(1) + "M"; }
    if (a >= 1e3) { return (v / 1e3).toFixed(1) + "k"; }
    return a < 10 ? String(Number(v.toPrecision(3))) : v.toFixed(1);
  }

  /* The server draws each line in a W×H box: x spans data-start..data-end (ms), y spans
   * data-hi (top) .. data-lo (bottom). Read it back as [ms, value] points once. */
  function sparkPoints(svg) {
    if (svg._points) { return svg._points; }
    var start = Number(svg.dataset.start), end = Number(svg.dataset.end);
    var lo = Number(svg.dataset.lo), hi = Number(svg.dataset.hi);
    var attr = svg.querySelector("polyline").getAttribute("points").trim();
    svg._window = end - start;
    svg._points = attr ? attr.split(" ").map(function (pair) {
      var xy = pair.split(",");
      var v = hi > lo ? lo + (H - PAD - Number(xy[1])) / (H - 2 * PAD) * (hi - lo) : lo;
      return [start + Number(xy[0]) / W * (end - start), v];
    }) : [];
    return svg._points;
  }

  /* Append a live point, keep the window's length, redraw (same scaling as the server). */
  function extendSpark(svg, point) {
    var data = sparkPoints(svg), t = point[0] * 1000;
    if (data.length && t <= data[data.length - 1][0]) { return; }
    data.push([t, point[1]]);
    var start = t - svg._window;
    while (data.length > 2 && data[0][0] < start) { data.shift(); }
    var lo = Math.min.apply(null, data.map(function (p) { return p[1]; }));
    var hi = Math.max.apply(null, data.map(function (p) { return p[1]; }));
    var pts = data.map(function (p) {
      var y = hi > lo ? H - PAD - (p[1] - lo) / (hi - lo) * (H - 2 * PAD) : H / 2;
      return Math.round((p[0] - start) / svg._window * W) + "," + Math.round(y);
    });
    svg.querySelector("polyline").setAttribute("points", pts.join(" "));
    svg.dataset.extended = String(Number(svg.dataset.extended || "0") + 1);
  }

  /* A counter's card shows its per-second rate: a live point becomes the rate since the
   * point before it (data-raw / data-raw-ts keep that one; a decrease is a reset, the
   * increase then the value itself, as in metrics/counters.py). Null when there is none. */
  function counterRate(el, point) {
    var t0 = Number(el.dataset.rawTs), v0 = Number(el.dataset.raw);
    var known = Boolean(el.dataset.rawTs && el.dataset.raw);
    if (known && point[0] <= t0) { return null; }
    el.dataset.rawTs = String(point[0]);
    el.dataset.raw = String(point[1]);
    if (!known) { return null; }
    var increase = point[1] >= v0 ? point[1] - v0 : point[1];
    return [point[0], increase / (point[0] - t0)];
  }

  function live() {
    var grid = document.getElementById("host-grid");
    return !grid || grid.dataset.live === "1";
  }

  HydraLive.on("host_points", function (msg) {
    Object.keys(msg.series).forEach(function (sid) {
      var point = msg.series[sid];
      var value = document.querySelector("[data-value-for='" + sid + "']");
      var counter = value && value.dataset.counter === "1";
      if (counter) { point = counterRate(value, point); }
      if (!point) { return; }
      if (value) {
        value.textContent = format(point[1]) + (counter ? "/s" : "");
        value.dataset.updated = String(point[0]);
      }
      var svg = document.querySelector("svg[data-series='" + sid + "']");
      if (svg && live()) { extendSpark(svg, point); }
    });
    var card = document.querySelector(".host-card[data-host='" + CSS.escape(msg.host) + "']");
    if (card && card.classList.contains("status-stale")) {
      card.classList.replace("status-stale", "status-ok");
      var badge = card.querySelector(".badge");
      if (badge) { badge.className = "badge ok"; badge.textContent = "ok"; }
    }
  });

  /* Re-render the grid (statuses, values, sparklines) as the URL has it: after an alert
   * changed (debounced) and after a reconnect (the back-fill of what was missed). */
  var gridTimer = null;
  function refreshGrid(delayMs) {
    clearTimeout(gridTimer);
    gridTimer = setTimeout(function () {
      if (window.htmx && document.getElementById("host-grid")) {
        htmx.ajax("GET", location.pathname + location.search, {target: "#host-grid", swap: "innerHTML"});
      }
    }, delayMs);
  }

  HydraLive.on("alert", function () {
    document.body.dispatchEvent(new CustomEvent("hydra:alerts-changed"));
    refreshGrid(1000);
  });
  HydraLive.onReconnect(function () {
    document.body.dispatchEvent(new CustomEvent("hydra:alerts-changed"));
    refreshGrid(0);
  });

  function subscribe() {
    HydraLive.subscribe(["alerts"].concat(hosts().map(function (h) { return "host:" + h; })));
  }
  document.addEventListener("DOMContentLoaded", subscribe);
  document.addEventListener("htmx:afterSwap", subscribe);
})();
