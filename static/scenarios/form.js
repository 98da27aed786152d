/* The scenario form: only the fields the chosen executor reads are shown (the others are
 * hidden, and their values are still sent, as the server ignores them). Without scripts
 * every field shows. */
(function () {
  "use strict";
  var form = document.querySelector("form.scenario-form");
  var executor = form && form.querySelector("select[name=executor]");
  if (!executor) { return; }
  var BY_EXECUTOR = {
    "constant-vus": ["duration", "vus", "think_time"],
    "ramping-vus": ["stages", "think_time"],
    "constant-arrival-rate": ["duration", "rate"],
    "ramping-arrival-rate": ["stages"],
    "spike": ["duration", "rate", "spike_multiplier"],
    "soak": ["duration", "rate"]
  };
  var ALL = ["duration", "vus", "rate", "stages", "think_time", "spike_multiplier"];

  function show() {
    var wanted = BY_EXECUTOR[executor.value] || ALL;
    ALL.forEach(function (name) {
      var row = form.querySelector('[data-field="' + name + '"]');
      if (row) { row.hidden = wanted.indexOf(name) < 0; }
    });
  }

  executor.addEventListener("change", show);
  show();
})();
