/* Posyandu day: filter the lists by name while typing (the search form works without it). */
(function () {
  "use strict";
  var input = document.querySelector("[data-roster-filter]");
  if (!input) return;
  var rows = document.querySelectorAll("[data-roster] > li[data-name]");
  function normalise(text) {
    return text.toLowerCase().replace(/\s+/g, " ").trim();
  }
  function apply() {
    var q = normalise(input.value);
    for (var i = 0; i < rows.length; i++) {
      var name = rows[i].getAttribute("data-name");
      rows[i].hidden = q !== "" && name.indexOf(q) === -1;
    }
  }
  input.addEventListener("input", apply);
  apply();
})();
