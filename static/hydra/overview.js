/* Overview: live values and sparklines on the host cards (topic host:<host>). */
(function () {
  "use strict";
  var MAX_SPARK = 120;

  function hosts() {
    return Array.from(document.querySelectorAll(".host-card[data-host]")).map(function (el) { return el.dataset.host; });
  }

  function format(v) {
    var a = Math.abs(v);
    if (a >= 1e6) { return (v / 1e6).toFixed(1) + "M"; }
    if (a >= 1e3) { return (v / 1e3).toFixed(1) + "k"; }
    return a < 10 ? String(Number(v.toPrecision(3))) : v.toFixed(1);
  }

  function extendSpark(svg, point) {
    var data = svg._points || JSON.parse(svg.dataset.points || "[]");
    data.push(point);
    if (data.length > MAX_SPARK) { data.shift(); }
    svg._points = data;
    if (data.length < 2) { return; }
    var xs = data.map(function (p) { return p[0]; }), ys = data.map(function (p) { return p[1]; });
    var x0 = xs[0], xs_ = (xs[xs.length - 1] - x0) || 1, lo = Math.min.apply(null, ys), span = (Math.max.apply(null, ys) - lo) || 1;
    var pts = data.map(function (p) { return ((p[0] - x0) / xs_ * 120).toFixed(1) + "," + (30 - (p[1] - lo) / span * 28).toFixed(1); });
    svg.querySelector("polyline").setAttribute("points", pts.join(" "));
  }

  HydraLive.on("host_points", function (msg) {
    Object.keys(msg.series).forEach(function (sid) {
      var point = msg.series[sid];
      var value = document.querySelector("[data-value-for='" + sid + "']");
      if (value) { value.textContent = format(point[1]); value.dataset.updated = String(point[0]); }
      var svg = document.querySelector("svg[data-series='" + sid + "']");
      if (svg) { extendSpark(svg, point); }
    });
    var card = document.querySelector(".host-card[data-host='" + CSS.escape(msg.host) + "']");
    if (card) { card.classList.remove("status-stale"); }
  });

  HydraLive.on("alert", function () {
    document.body.dispatchEvent(new CustomEvent("hydra:alerts-changed"));
  });

  function subscribe() {
    HydraLive.subscribe(["alerts"].concat(hosts().map(function (h) { return "host:" + h; })));
  }
  document.addEventListener("DOMContentLoaded", subscribe);
  document.addEventListener("htmx:afterSwap", subscribe);
})();
