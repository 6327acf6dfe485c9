// Shows only the parts of the scenario form that the current choices use. Without this
// script every part stays visible and the server ignores the unused ones.
(function () {
  "use strict";
  var form = document.querySelector("form.scenario-form");
  if (!form) return;
  function valueOf(name) {
    var checked = form.querySelector("input[name='" + name + "']:checked");
    if (checked) return checked.value;
    var field = form.querySelector("select[name='" + name + "']");
    return field ? field.value : "";
  }
  function update() {
    form.querySelectorAll("[data-show-when]").forEach(function (part) {
      var rule = part.getAttribute("data-show-when").split("=");
      var wanted = rule[1].split(",");
      var shown = wanted.indexOf(valueOf(rule[0])) !== -1;
      if (rule[2] === "not") shown = !shown;
      part.hidden = !shown;
    });
  }
  form.addEventListener("change", update);
  update();
})();
