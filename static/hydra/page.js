/* Page-wide controls: time zone label, UTC toggle, live toggle, explore's label filter,
 * and a host's alerts panel ([data-alert-host]) kept current from the "alerts" topic. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }

  function utcOn() { return localStorage.getItem("hydra-utc") === "on"; }

  ready(function () {
    var tz = document.getElementById("tz-label");
    var utcBox = document.getElementById("utc-toggle");
    var liveBox = document.getElementById("live-toggle");
    function showZone() {
      if (tz) { tz.textContent = "times in " + (utcOn() ? "UTC" : Intl.DateTimeFormat().resolvedOptions().timeZone); }
    }
    showZone();
    if (utcBox) {
      utcBox.checked = localStorage.getItem("hydra-utc") === "on";
      utcBox.addEventListener("change", function () {
        localStorage.setItem("hydra-utc", utcBox.checked ? "on" : "off");
        showZone();
        if (window.HydraCharts) { HydraCharts.redraw(); }
      });
    }
    if (liveBox && window.HydraLive) {
      liveBox.checked = !liveBox.disabled && HydraLive.enabled();
      liveBox.addEventListener("change", function () { HydraLive.setEnabled(liveBox.checked); });
    }
    var alertPanel = document.querySelector("[data-alert-host]");
    if (alertPanel && window.HydraLive && window.htmx) {
      var refresh = function () { htmx.trigger(alertPanel, "hydra:alerts-changed"); };
      HydraLive.on("alert", function (msg) { if (msg.host === alertPanel.dataset.alertHost) { refresh(); } });
      HydraLive.onReconnect(refresh);
      HydraLive.subscribe(["alerts"]);
    }
    /* Custom range: a plain "2026-11-22 10:00" means the zone shown (browser or UTC). */
    var NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
    document.querySelectorAll("[data-time-input]").forEach(function (input) {
      input.form.addEventListener("submit", function () {
        var m = NAIVE.exec(input.value.trim());
        if (!m) { return; }
        var parts = m.slice(1).map(function (p) { return parseInt(p || "0", 10); });
        var d = utcOn()
          ? new Date(Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]))
          : new Date(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]);
        input.value = d.toISOString().replace(".000Z", "Z");
      });
    });
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function () {
        var input = form.querySelector("[data-label-input]");
        if (!input) { return; }
        var parts = input.value.split("=");
        if (parts.length === 2 && parts[0].trim()) {
          input.name = "label." + parts[0].trim();
          input.value = parts[1].trim();
        } else { input.disabled = true; }
      });
    });
  });
})();
