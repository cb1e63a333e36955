/* Catalog pages: upload progress and ingest-status polling (progressive enhancement).
 * Without this script the upload form posts normally and the resource page shows the status;
 * with it, the upload shows its progress and the ingest is followed until ready or failed. */
(function () {
  "use strict";

  var POLL_MS = 1000;

  function percent(fraction) {
    return Math.round(Math.max(0, Math.min(1, fraction || 0)) * 100) + "%";
  }

  function getJSON(url, onData, onError) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status === 200) {
        try { onData(JSON.parse(xhr.responseText)); return; } catch (e) { /* fall through */ }
      }
      onError();
    };
    xhr.onerror = onError;
    xhr.send();
  }

  /* Follow an ingest until it is done; ``update`` gets each status document. */
  function follow(url, update) {
    function tick() {
      getJSON(url, function (data) {
        update(data);
        if (!data.done) { window.setTimeout(tick, POLL_MS); }
      }, function () { window.setTimeout(tick, POLL_MS * 3); });
    }
    tick();
  }

  /* Status blocks on the dataset and resource pages: update in place, reload when finished. */
  function enhanceStatus(block) {
    var bar = block.querySelector("progress");
    var label = block.querySelector(".status-label .badge");
    var pct = block.querySelector(".status-percent");
    follow(block.getAttribute("data-status-url"), function (data) {
      if (bar) { bar.value = data.progress || 0; }
      if (pct) { pct.textContent = percent(data.progress); }
      if (label && data.status_label) { label.textContent = data.status_label; }
      if (data.done && block.getAttribute("data-reload") === "true") { window.location.reload(); }
    });
  }

  function showErrors(form, box, errors) {
    box.textContent = "";
    var list = document.createElement("ul");
    list.className = "errorlist";
    Object.keys(errors || {}).forEach(function (key) {
      (errors[key] || []).forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
    });
    box.appendChild(list);
    box.hidden = false;
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  /* The upload form: send with XMLHttpRequest to see upload progress, then follow the ingest. */
  function enhanceUpload(form) {
    var panel = form.querySelector(".upload-progress");
    var errorBox = form.querySelector(".upload-errors");
    var submit = form.querySelector("button[type=submit]");
    if (!panel || !window.FormData) { return; }
    var uploadBar = panel.querySelector("#upload-bar");
    var uploadPct = panel.querySelector(".upload-percent");
    var ingestBar = panel.querySelector("#ingest-bar");
    var ingestText = panel.querySelector(".ingest-status-text");
    var ingestMessage = panel.querySelector(".ingest-message");
    var done = panel.querySelector(".ingest-done");
    var text = function (name) { return panel.getAttribute("data-text-" + name) || ""; };

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          uploadBar.value = e.loaded / e.total;
          uploadPct.textContent = text("uploading") + " " + percent(e.loaded / e.total);
        }
      });
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        submit.disabled = false;
        if (xhr.status === 201 && data && data.ok) {
          uploadBar.value = 1;
          uploadPct.textContent = "100%";
          ingestText.textContent = text("uploaded");
          done.querySelector("a").setAttribute("href", data.resource_url);
          follow(data.status_url, function (status) {
            ingestBar.value = status.progress || 0;
            ingestText.textContent = (status.status_label || "") + " " + percent(status.progress);
            ingestMessage.textContent = status.message || "";
            if (status.done) {
              ingestText.textContent = status.status_label || "";
              if (status.status === "succeeded") { ingestBar.value = 1; }
              done.hidden = false;
            }
          });
          return;
        }
        panel.hidden = true;
        showErrors(form, errorBox, data && data.errors ? data.errors : { upload: [text("failed")] });
      };
      xhr.onerror = function () {
        submit.disabled = false;
        panel.hidden = true;
        showErrors(form, errorBox, { upload: [text("failed")] });
      };
      errorBox.hidden = true;
      panel.hidden = false;
      uploadBar.value = 0;
      ingestBar.value = 0;
      submit.disabled = true;
      xhr.send(new FormData(form));
    });
  }

  document.querySelectorAll("[data-status-url]").forEach(enhanceStatus);
  document.querySelectorAll("form[data-upload]").forEach(enhanceUpload);
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
