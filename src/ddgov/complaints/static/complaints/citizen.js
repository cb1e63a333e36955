/* ddgov complaints: progressive enhancement of the filing form (it works without this file).
 *
 * - a live character counter against the 4,000-character limit;
 * - while the citizen types (debounced), GET /complaints/screen/ for the likely categories
 *   (buttons that pick one) and likely duplicates nearby (with why, and a "me too" button that
 *   follows the existing complaint instead of filing a new one);
 * - on submit, one last screening: if duplicates turn up that were not shown yet, they are shown
 *   and the citizen presses the button again to file anyway (the photos stay attached);
 * - the province → district → subdistrict picker, from static/complaints/geothai.json.
 * User text is only ever inserted with textContent, never as HTML.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 600;
  var strings = {};

  function t(key, params) {
    var value = strings[key] || key;
    Object.keys(params || {}).forEach(function (name) {
      value = value.split("%(" + name + ")s").join(String(params[name]));
    });
    return value;
  }
  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (content !== undefined) { node.textContent = content; }
    return node;
  }
  function number(n) {
    try { return Number(n).toLocaleString(document.documentElement.lang || "th"); }
    catch (e) { return String(n); }
  }

  function counter(form) {
    var area = document.getElementById("id_text");
    var out = document.getElementById("text-counter");
    var max = parseInt(form.dataset.textMax, 10) || 4000;
    if (!area || !out) { return; }
    function update() {
      var n = area.value.trim().length;
      var over = n > max;
      out.textContent = t("counter", { n: number(n), max: number(max) }) +
        (over ? " " + t("over", { max: number(max) }) : "");
      out.classList.toggle("c-over", over);
    }
    area.addEventListener("input", update);
    update();
  }

  function screening(form) {
    var url = form.dataset.screenUrl;
    var text = document.getElementById("id_text");
    var lat = document.getElementById("id_lat");
    var lon = document.getElementById("id_lon");
    var category = document.getElementById("id_category");
    var suggestions = document.getElementById("category-suggestions");
    var section = document.getElementById("duplicates");
    var list = document.getElementById("duplicate-list");
    var followForms = document.getElementById("follow-forms");
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    var signedIn = form.dataset.signedIn === "1";
    var shown = {};
    var timer = null, controller = null;

    Array.prototype.forEach.call(list.querySelectorAll("[data-code]"), function (item) {
      shown[item.dataset.code] = true;
    });

    function params() {
      var query = new URLSearchParams();
      query.set("text", text.value);
      if (lat.value.trim() && lon.value.trim()) {
        query.set("lat", lat.value.trim());
        query.set("lon", lon.value.trim());
      }
      if (category.value) { query.set("category", category.value); }
      return query;
    }

    function renderSuggestions(categories) {
      suggestions.textContent = "";
      if (!categories.length) { suggestions.hidden = true; return; }
      suggestions.appendChild(el("span", {}, t("suggested") + " "));
      categories.forEach(function (c) {
        var b = el("button", { type: "button", "class": "c-chip", "data-code": c.code,
          "data-testid": "category-suggestion", "aria-pressed": String(category.value === c.code) }, c.label);
        b.addEventListener("click", function () {
          category.value = c.code;
          category.dispatchEvent(new Event("change", { bubbles: true }));
          Array.prototype.forEach.call(suggestions.querySelectorAll("button"), function (other) {
            other.setAttribute("aria-pressed", String(other === b));
          });
        });
        suggestions.appendChild(b);
      });
      suggestions.hidden = false;
    }

    function renderDuplicates(duplicates) {
      list.textContent = "";
      followForms.textContent = "";
      shown = {};
      duplicates.forEach(function (d) {
        shown[d.tracking_code] = true;
        var formId = "follow-form-" + d.tracking_code;
        var follow = el("form", { method: "post", action: d.follow_url, id: formId });
        if (csrf) { follow.appendChild(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrf.value })); }
        followForms.appendChild(follow);

        var item = el("li", { "class": "c-duplicate", "data-testid": "duplicate", "data-code": d.tracking_code });
        var head = el("p", { "class": "c-duplicate-head" });
        head.appendChild(el("a", { href: d.url }, d.tracking_code));
        head.appendChild(document.createTextNode(" "));
        head.appendChild(el("span", { "class": "badge", "data-state": d.state }, d.state_label));
        if (d.category) { head.appendChild(document.createTextNode(" · " + d.category)); }
        item.appendChild(head);
        item.appendChild(el("p", { "class": "c-duplicate-text" }, d.text));
        item.appendChild(el("p", { "class": "c-duplicate-reason", "data-testid": "duplicate-reason" }, d.reason));
        item.appendChild(el("p", { "class": "help" },
          t("metres", { m: number(d.distance_m) }) + " · " + t("followers", { n: number(d.followers) })));
        if (!signedIn) {
          var emailId = "follow-email-" + d.tracking_code;
          item.appendChild(el("label", { "class": "visually-hidden", "for": emailId }, t("email")));
          item.appendChild(el("input", { type: "email", name: "email", form: formId, id: emailId,
            autocomplete: "email", placeholder: t("email"), "data-testid": "follow-email" }));
        }
        item.appendChild(el("button", { type: "submit", form: formId, "class": "button secondary",
          "data-testid": "follow-button" }, t("follow")));
        list.appendChild(item);
      });
      section.hidden = duplicates.length === 0;
    }

    function run() {
      if (controller) { controller.abort(); }
      if (!text.value.trim()) { renderSuggestions([]); return Promise.resolve(null); }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      return fetch(url + "?" + params().toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (body) {
        if (!body) { return null; }
        renderSuggestions(body.categories || []);
        renderDuplicates(body.duplicates || []);
        return body;
      }).catch(function () { return null; });
    }
    function later() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(run, DEBOUNCE_MS);
    }
    [text, lat, lon].forEach(function (input) { input.addEventListener("input", later); });
    category.addEventListener("change", later);

    var confirmed = false;
    form.addEventListener("submit", function (event) {
      var status = document.getElementById("submit-status");
      var button = document.getElementById("submit-complaint");
      if (confirmed || form.dataset.duplicatesShown === "1") {
        addConfirm();
        if (button) { button.disabled = true; }
        return;
      }
      event.preventDefault();
      var previous = {};
      Object.keys(shown).forEach(function (code) { previous[code] = true; });
      run().then(function (body) {
        var found = body ? body.duplicates || [] : [];
        var fresh = found.some(function (d) { return !(d.tracking_code in previous); });
        if (fresh) {
          confirmed = true;
          if (status) { status.textContent = t("confirm"); }
          section.setAttribute("tabindex", "-1");
          section.scrollIntoView({ block: "start" });
          section.focus();
          return;
        }
        if (found.length) { addConfirm(); }
        if (button) { button.disabled = true; }
        form.submit();
      });
    });
    function addConfirm() {
      if (form.querySelector("input[name=confirm_new]")) { return; }
      form.appendChild(el("input", { type: "hidden", name: "confirm_new", value: "1" }));
    }
  }

  function areas(form) {
    var province = document.getElementById("id_province");
    var district = document.getElementById("id_district");
    var sub = document.getElementById("id_subdistrict_code");
    if (!province || !district || !sub) { return; }
    // The no-JavaScript "show districts" button is removed (not hidden), so Enter files the form.
    Array.prototype.forEach.call(document.querySelectorAll(".c-nojs-help"), function (n) { n.remove(); });
    var english = (document.documentElement.lang || "th").indexOf("en") === 0;
    var data = null, loading = null;

    function load() {
      if (!loading) {
        loading = fetch(form.dataset.geoUrl, { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (body) { data = body; return body; })
          .catch(function () { loading = null; return null; });
      }
      return loading;
    }
    function fill(select, rows, prefix) {
      var keep = select.value;
      select.textContent = "";
      select.appendChild(el("option", { value: "" }, t("choose")));
      rows.map(function (row) { return [prefix + row[0], english && row[2] ? row[2] : row[1]]; })
        .sort(function (a, b) { return a[1].localeCompare(b[1], english ? "en" : "th"); })
        .forEach(function (pair) {
          var option = el("option", { value: pair[0] }, pair[1]);
          if (pair[0] === keep) { option.selected = true; }
          select.appendChild(option);
        });
    }
    function find(rows, code) {
      for (var i = 0; i < rows.length; i += 1) { if (rows[i][0] === code) { return rows[i]; } }
      return null;
    }
    function districts() {
      var p = data && find(data.p, province.value);
      return p ? p[3] : [];
    }
    province.addEventListener("change", function () {
      load().then(function () {
        district.value = ""; sub.value = "";
        fill(district, districts(), province.value);
        fill(sub, [], "");
      });
    });
    district.addEventListener("change", function () {
      load().then(function () {
        sub.value = "";
        var d = find(districts(), district.value.slice(2));
        fill(sub, d ? d[3] : [], district.value);
      });
    });
    [province, district, sub].forEach(function (s) { s.addEventListener("focus", load, { once: true }); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("citizen-text");
    strings = node ? JSON.parse(node.textContent) : {};
    var form = document.getElementById("complaint-form");
    if (!form) { return; }
    counter(form);
    screening(form);
    areas(form);
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
