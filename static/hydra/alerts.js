/* Alert changes arrive over the live socket as HTML rows (<tr id="alert-N">): swap the
 * row in place, or add it to the table when it belongs to the current filter. Also keeps
 * the overview's "Firing alerts" panel current. */
(function () {
  "use strict";

  function belongs(row, filter) {
    if (!filter || filter === "all") { return true; }
    if (filter === "acknowledged") { return row.dataset.acknowledged === "true"; }
    return row.dataset.state === filter;
  }

  function apply(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var row = template.content.querySelector("tr[id^='alert-']");
    if (!row) { return; }
    row.removeAttribute("hx-swap-oob");
    // a live row carries every action: keep those this user's role allows (body data-can)
    var can = (document.body.dataset.can || "").split(" ");
    row.querySelectorAll("[data-needs]").forEach(function (el) {
      if (can.indexOf(el.dataset.needs) < 0) { el.remove(); }
    });
    var existing = document.getElementById(row.id);
    var body = document.getElementById("alert-rows");
    if (existing) {
      existing.replaceWith(row);
    } else if (body && belongs(row, body.dataset.stateFilter)) {
      var empty = body.querySelector(".empty-row");
      if (empty) { empty.remove(); }
      body.prepend(row);
    }
    if (window.htmx) { htmx.process(row); }
  }

  HydraLive.on("alert", function (msg) { if (msg.html) { apply(msg.html); } });
  document.addEventListener("DOMContentLoaded", function () { HydraLive.subscribe(["alerts"]); });
})();
