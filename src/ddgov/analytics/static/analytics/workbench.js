/* ddgov SQL workbench: runs queries through /analytics/api/query without reloading the page.
   The page works without this file (the form posts and the server renders the first page);
   this adds Ctrl+Enter, paging in place, line numbers and the error line highlighted. */
(function () {
  "use strict";

  var form = document.getElementById("wb-form");
  var sql = document.getElementById("wb-sql");
  if (!form || !sql) { return; }

  var gutter = document.getElementById("wb-gutter");
  var highlight = document.getElementById("wb-highlight");
  var statusBox = document.getElementById("wb-status");
  var errorBox = document.getElementById("wb-error");
  var results = document.getElementById("wb-results");
  var table = document.getElementById("wb-result-table");
  var pager = document.getElementById("wb-pager");
  var plan = document.getElementById("wb-plan");
  var planText = document.getElementById("wb-plan-text");
  var runButton = document.getElementById("wb-run");
  var apiUrl = form.getAttribute("data-api-query");
  var errorLine = 0;
  var busy = false;

  var texts = {};
  var i18n = document.getElementById("wb-i18n");
  if (i18n && i18n.content) {
    Array.prototype.forEach.call(i18n.content.querySelectorAll("[data-key]"), function (el) {
      texts[el.getAttribute("data-key")] = el.textContent.trim();
    });
  }
  function t(key) { return texts[key] || key; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  /* --- line numbers and the highlighted error line ------------------------------------- */

  function lineHeight() {
    var value = parseFloat(window.getComputedStyle(sql).lineHeight);
    return isNaN(value) ? 20 : value;
  }

  function drawGutter() {
    if (!gutter) { return; }
    var count = sql.value.split("\n").length;
    var current = gutter.childElementCount;
    while (current < count) { current += 1; gutter.appendChild(el("span", "", String(current))); }
    while (current > count) { gutter.removeChild(gutter.lastChild); current -= 1; }
    Array.prototype.forEach.call(gutter.children, function (span, i) {
      span.className = i + 1 === errorLine ? "is-error" : "";
    });
    gutter.scrollTop = sql.scrollTop;
    placeHighlight();
  }

  function placeHighlight() {
    if (!highlight) { return; }
    if (!errorLine) { highlight.hidden = true; return; }
    var padding = parseFloat(window.getComputedStyle(sql).paddingTop) || 0;
    highlight.hidden = false;
    highlight.style.height = lineHeight() + "px";
    highlight.style.top = (padding + (errorLine - 1) * lineHeight() - sql.scrollTop) + "px";
  }

  function markLine(line, column) {
    errorLine = line || 0;
    if (errorLine) {
      sql.setAttribute("aria-invalid", "true");
      var lines = sql.value.split("\n");
      var start = 0;
      for (var i = 0; i < errorLine - 1 && i < lines.length; i += 1) { start += lines[i].length + 1; }
      var target = Math.min(start + Math.max((column || 1) - 1, 0), sql.value.length);
      sql.setSelectionRange(target, Math.min(start + (lines[errorLine - 1] || "").length, sql.value.length));
      var top = (errorLine - 1) * lineHeight();
      if (top < sql.scrollTop || top > sql.scrollTop + sql.clientHeight - lineHeight()) {
        sql.scrollTop = Math.max(top - lineHeight() * 2, 0);
      }
    } else {
      sql.removeAttribute("aria-invalid");
    }
    drawGutter();
  }

  sql.addEventListener("input", function () { if (errorLine) { errorLine = 0; sql.removeAttribute("aria-invalid"); } drawGutter(); });
  sql.addEventListener("scroll", function () { if (gutter) { gutter.scrollTop = sql.scrollTop; } placeHighlight(); });

  /* --- showing an answer -------------------------------------------------------------- */

  function cell(value) {
    var td = el("td");
    if (value === null || value === undefined) {
      td.appendChild(el("span", "wb-null", "NULL"));
    } else if (typeof value === "object") {
      td.textContent = JSON.stringify(value);
    } else {
      td.textContent = String(value);
    }
    return td;
  }

  function showError(error) {
    errorBox.textContent = "";
    var head = el("p");
    head.appendChild(el("strong", "", t("failed")));
    if (error.line) {
      var where = t("position").replace("%(line)s", error.line).replace("%(column)s", error.column || 1);
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("span", "wb-error-position", where));
    }
    errorBox.appendChild(head);
    errorBox.appendChild(el("p", "wb-error-message", error.message || ""));
    if (error.line) {
      var lines = sql.value.split("\n");
      var text = lines[error.line - 1];
      if (text !== undefined) {
        var pad = String(error.line).replace(/./g, " ");
        var caret = new Array(Math.max((error.column || 1) - 1, 0) + 1).join(" ") + "^";
        var pre = el("pre", "wb-error-excerpt");
        pre.appendChild(el("span", "wb-error-lineno", error.line + " |"));
        pre.appendChild(document.createTextNode(" " + text + "\n"));
        pre.appendChild(el("span", "wb-error-lineno", pad + " |"));
        pre.appendChild(document.createTextNode(" " + caret));
        errorBox.appendChild(pre);
      }
    }
    errorBox.hidden = false;
    results.hidden = true;
    markLine(error.line, error.column);
    errorBox.focus();
  }

  function showStatus(answer) {
    statusBox.textContent = "";
    var p = el("p", "wb-summary");
    var rowsText = answer.rows.length
      ? t("rows").replace("%(first)s", answer.first_row).replace("%(last)s", answer.last_row)
      : t("no_rows");
    if (answer.has_more) { rowsText += " (" + t("more") + ")"; }
    p.appendChild(el("span", "wb-rows", rowsText));
    p.appendChild(document.createTextNode(" · "));
    p.appendChild(el("span", "wb-engine", t("engine") + ": " + answer.engine));
    p.appendChild(document.createTextNode(" · "));
    p.appendChild(el("span", "wb-elapsed", t("elapsed") + ": " + answer.elapsed_ms + " ms"));
    statusBox.appendChild(p);
    (answer.sources || []).forEach(function (s) {
      if (!s.masked.length && s.mode !== "aggregate") { return; }
      var note = el("p", "wb-source-note", s.agency + "." + s.dataset + "." + s.resource + ":");
      if (s.mode === "aggregate") {
        note.appendChild(document.createTextNode(" "));
        note.appendChild(el("span", "badge wb-badge-aggregate", t("aggregate")));
      }
      if (s.masked.length) {
        note.appendChild(document.createTextNode(" " + t("masked") + ": " + s.masked.join(", ")));
      }
      statusBox.appendChild(note);
    });
  }

  function pagerButton(label, page) {
    var button = el("button", "button secondary", label);
    button.type = "button";
    button.setAttribute("data-page", String(page));
    button.addEventListener("click", function () { run(page); });
    return button;
  }

  function showAnswer(answer) {
    errorBox.hidden = true;
    errorBox.textContent = "";
    markLine(0);
    showStatus(answer);
    table.textContent = "";
    var thead = el("thead");
    var headRow = el("tr");
    answer.columns.forEach(function (c) {
      var th = el("th");
      th.scope = "col";
      th.appendChild(el("span", "wb-col-name", c.name));
      th.appendChild(document.createTextNode(" "));
      th.appendChild(el("span", "wb-type", c.type));
      headRow.appendChild(th);
    });
    thead.appendChild(headRow);
    var tbody = el("tbody");
    if (!answer.rows.length) {
      var empty = el("td", "", t("no_rows"));
      empty.colSpan = Math.max(answer.columns.length, 1);
      var emptyRow = el("tr");
      emptyRow.appendChild(empty);
      tbody.appendChild(emptyRow);
    }
    answer.rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (value) { tr.appendChild(cell(value)); });
      tbody.appendChild(tr);
    });
    table.appendChild(thead);
    table.appendChild(tbody);
    pager.textContent = "";
    if (answer.page > 1) { pager.appendChild(pagerButton(t("previous"), answer.page - 1)); }
    pager.appendChild(el("span", "wb-page-label", t("page").replace("%(page)s", answer.page)));
    if (answer.has_more) { pager.appendChild(pagerButton(t("next"), answer.page + 1)); }
    if (answer.plan) {
      planText.textContent = answer.plan;
      plan.hidden = false;
    } else {
      planText.textContent = "";
      plan.hidden = true;
    }
    results.hidden = false;
  }

  /* --- running ------------------------------------------------------------------------ */

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function run(page) {
    if (busy) { return; }
    busy = true;
    form.setAttribute("aria-busy", "true");
    if (runButton) { runButton.disabled = true; }
    statusBox.textContent = t("running");
    var body = {
      sql: sql.value,
      engine: form.elements.engine ? form.elements.engine.value : undefined,
      page: page || 1,
      page_size: form.elements.page_size ? Number(form.elements.page_size.value) : undefined,
      explain: form.elements.explain ? form.elements.explain.checked : false
    };
    fetch(apiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () {
        return { error: { code: "internal", message: response.status + " " + response.statusText } };
      });
    }).then(function (answer) {
      if (answer.error) {
        statusBox.textContent = "";
        showError(answer.error);
      } else {
        showAnswer(answer);
      }
    }).catch(function () {
      statusBox.textContent = "";
      showError({ code: "network", message: t("network") });
    }).then(function () {
      busy = false;
      form.removeAttribute("aria-busy");
      if (runButton) { runButton.disabled = false; }
    });
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("formaction")) { return; }  /* export and save post */
    event.preventDefault();
    var page = submitter && submitter.getAttribute("data-page");
    run(page ? Number(page) : 1);
  });

  sql.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run(1);
    }
  });

  /* Server-rendered pager buttons (after a no-script run) page in place too. */
  Array.prototype.forEach.call(pager.querySelectorAll("button[data-page]"), function (button) {
    button.type = "button";
    button.addEventListener("click", function () { run(Number(button.getAttribute("data-page"))); });
  });

  /* --- the table browser -------------------------------------------------------------- */

  Array.prototype.forEach.call(document.querySelectorAll(".wb-insert"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var name = button.getAttribute("data-insert");
      var start = sql.selectionStart;
      var end = sql.selectionEnd;
      sql.value = sql.value.slice(0, start) + name + sql.value.slice(end);
      sql.focus();
      sql.setSelectionRange(start + name.length, start + name.length);
      drawGutter();
    });
  });

  var filter = document.getElementById("wb-table-filter");
  if (filter) {
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var needle = filter.value.trim().toLowerCase();
      Array.prototype.forEach.call(document.querySelectorAll(".wb-table"), function (item) {
        item.hidden = needle !== "" && item.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("button[data-confirm]"), function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  /* A server-rendered error (no-script run, refused save) highlights its line too. */
  var position = errorBox && !errorBox.hidden && errorBox.querySelector(".wb-error-excerpt");
  drawGutter();
  if (position) {
    var match = /^(\d+)/.exec(position.textContent.trim());
    if (match) { markLine(Number(match[1])); }
  }
}());
