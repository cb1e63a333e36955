// Complaints back office, progressive enhancement only (every page works without it):
// - a search box filters the options of a long <select> (the forward form's agency list);
// - the 1111 call form pre-selects the classifier's suggested category while the operator types,
//   unless the operator chose one.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").toLocaleLowerCase("th").replace(/\s+/g, "");
  }

  function filterSelect(input) {
    var select = document.getElementById(input.getAttribute("data-filter-select"));
    if (!select) { return; }
    var wanted = fold(input.value);
    var firstShown = null;
    Array.prototype.forEach.call(select.options, function (option) {
      var show = !option.value || !wanted || fold(option.text).indexOf(wanted) !== -1;
      option.hidden = !show;
      option.disabled = !show;
      if (show && option.value && firstShown === null) { firstShown = option; }
    });
    var current = select.options[select.selectedIndex];
    if (wanted && firstShown && (!current || current.hidden || !current.value)) {
      select.value = firstShown.value;
    }
  }

  function setupFilters() {
    document.querySelectorAll("input[data-filter-select]").forEach(function (input) {
      input.addEventListener("input", function () { filterSelect(input); });
      if (input.value) { filterSelect(input); }
    });
  }

  function setupSuggest() {
    var text = document.getElementById("call-text");
    var category = document.getElementById("call-category");
    if (!text || !category) { return; }
    var chosenByHand = Boolean(category.value);
    var timer = null;
    var last = "";
    category.addEventListener("change", function () { chosenByHand = Boolean(category.value); });
    function suggest() {
      var value = text.value.trim();
      if (chosenByHand || value.length < 8 || value === last) { return; }
      last = value;
      fetch("/api/v1/complaints/classify", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ text: value.slice(0, 4000) })
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (body) {
        if (!body || chosenByHand || !body.categories || !body.categories.length) { return; }
        var code = body.categories[0].code;
        if (Array.prototype.some.call(category.options, function (o) { return o.value === code; })) {
          category.value = code;
          category.setAttribute("data-suggested", code);
        }
      }).catch(function () { /* the intake service classifies anyway */ });
    }
    text.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 900);
    });
    text.addEventListener("blur", suggest);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupFilters();
    setupSuggest();
  });
}());
