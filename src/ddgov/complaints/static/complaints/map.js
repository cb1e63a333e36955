/* ddgov complaints: an offline map of Thailand to pin where a problem is.
 *
 * No tiles and no CDN: the 77 provinces are drawn as SVG from the platform's own simplified map
 * (analytics/static/analytics/provinces.json, projected equirectangular around 13° N; the
 * projection's constants come from the page, as routing/geo.py uses them). Click or tap pins
 * the place and fills the latitude/longitude boxes (which keyboard users can type into
 * instead); drag moves the map, the buttons and the mouse wheel zoom, "use my location" asks
 * the browser. The boxes stay the source of truth: typing in them moves the pin.
 * Borders are simplified to about 0.7 km, so a pin is as precise as the zoom allows; the
 * location button or typed coordinates are exact.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var MAX_ZOOM = 512;

  function text(key, params) {
    var node = document.getElementById("citizen-text");
    var all = node ? JSON.parse(node.textContent) : {};
    var value = all[key] || key;
    Object.keys(params || {}).forEach(function (name) {
      value = value.split("%(" + name + ")s").join(String(params[name]));
    });
    return value;
  }

  function setup(box) {
    var canvas = document.getElementById("map-canvas");
    var status = document.getElementById("map-status");
    var latInput = document.getElementById("id_lat");
    var lonInput = document.getElementById("id_lon");
    if (!canvas || !latInput || !lonInput) { return; }
    var k = {
      lon0: parseFloat(box.dataset.lon0),
      latTop: parseFloat(box.dataset.latTop),
      scale: parseFloat(box.dataset.scale),
      cos: parseFloat(box.dataset.cosLat0),
      margin: parseFloat(box.dataset.margin)
    };
    var english = (document.documentElement.lang || "th").indexOf("en") === 0;
    var svg, pin, width = 553, height = 1008;
    var view = { cx: 0, cy: 0, zoom: 1 };

    function project(lat, lon) {
      return [(lon - k.lon0) * k.scale * k.cos + k.margin, (k.latTop - lat) * k.scale + k.margin];
    }
    function unproject(x, y) {
      return [k.latTop - (y - k.margin) / k.scale, (x - k.margin) / (k.scale * k.cos) + k.lon0];
    }
    function unitsPerPixel() {
      var ctm = svg.getScreenCTM();
      return ctm && ctm.a ? 1 / ctm.a : 1 / view.zoom;
    }
    function apply() {
      var w = width / view.zoom, h = height / view.zoom;
      svg.setAttribute("viewBox", [view.cx - w / 2, view.cy - h / 2, w, h].join(" "));
      if (pin) { pin.setAttribute("r", String(8 * unitsPerPixel())); }
    }
    function zoomAt(factor, x, y) {
      var z = Math.min(MAX_ZOOM, Math.max(1, view.zoom * factor));
      var ratio = view.zoom / z;
      if (typeof x === "number") {
        view.cx = x + (view.cx - x) * ratio;
        view.cy = y + (view.cy - y) * ratio;
      }
      view.zoom = z;
      if (z === 1) { view.cx = width / 2; view.cy = height / 2; }
      apply();
    }
    function toMap(event) {
      var point = svg.createSVGPoint();
      point.x = event.clientX; point.y = event.clientY;
      var local = point.matrixTransform(svg.getScreenCTM().inverse());
      return [local.x, local.y];
    }
    function showPin(lat, lon, centre) {
      var xy = project(lat, lon);
      pin.setAttribute("cx", String(xy[0]));
      pin.setAttribute("cy", String(xy[1]));
      pin.removeAttribute("visibility");
      if (centre) { view.cx = xy[0]; view.cy = xy[1]; }
      apply();
    }
    var writing = false;
    function setInputs(lat, lon) {
      writing = true;
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
      [latInput, lonInput].forEach(function (input) {
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      writing = false;
    }
    function fromInputs(centre) {
      var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
      if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        showPin(lat, lon, centre);
      } else if (pin) {
        pin.setAttribute("visibility", "hidden");
      }
    }

    function draw(data) {
      width = data.width; height = data.height;
      view = { cx: width / 2, cy: height / 2, zoom: 1 };
      svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("class", "c-map-svg");
      svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
      svg.setAttribute("focusable", "false");
      var group = document.createElementNS(SVG, "g");
      data.provinces.forEach(function (p) {
        var path = document.createElementNS(SVG, "path");
        path.setAttribute("d", p.d);
        path.setAttribute("class", "c-prov");
        path.setAttribute("data-code", p.code);
        var title = document.createElementNS(SVG, "title");
        title.textContent = english ? p.name_en : p.name_th;
        path.appendChild(title);
        group.appendChild(path);
      });
      svg.appendChild(group);
      pin = document.createElementNS(SVG, "circle");
      pin.setAttribute("class", "c-pin");
      pin.setAttribute("data-testid", "map-pin");
      pin.setAttribute("visibility", "hidden");
      svg.appendChild(pin);
      canvas.appendChild(svg);
      apply();
      fromInputs(false);

      var down = null, moved = false;
      svg.addEventListener("pointerdown", function (event) {
        down = { x: event.clientX, y: event.clientY, cx: view.cx, cy: view.cy };
        moved = false;
      });
      svg.addEventListener("pointermove", function (event) {
        if (!down) { return; }
        var dx = event.clientX - down.x, dy = event.clientY - down.y;
        if (!moved && Math.abs(dx) + Math.abs(dy) < 5) { return; }
        if (!moved) {
          moved = true;
          down.upp = unitsPerPixel();
          svg.setPointerCapture(event.pointerId);
        }
        view.cx = down.cx - dx * down.upp;
        view.cy = down.cy - dy * down.upp;
        apply();
      });
      svg.addEventListener("pointerup", function (event) {
        var wasDrag = moved, wasDown = down !== null;
        down = null;
        moved = false;
        if (wasDrag || !wasDown) { return; }
        var xy = toMap(event);
        var ll = unproject(xy[0], xy[1]);
        setInputs(ll[0], ll[1]);
        showPin(ll[0], ll[1], false);
        var name = "";
        if (event.target && event.target.classList && event.target.classList.contains("c-prov")) {
          name = event.target.textContent;
        }
        status.textContent = text("pinned", { lat: ll[0].toFixed(5), lon: ll[1].toFixed(5) }) +
          (name ? " (" + name + ")" : "");
      });
      svg.addEventListener("pointercancel", function () { down = null; moved = false; });
      svg.addEventListener("dblclick", function (event) {
        var xy = toMap(event);
        zoomAt(2, xy[0], xy[1]);
      });
      svg.addEventListener("wheel", function (event) {
        event.preventDefault();
        var xy = toMap(event);
        zoomAt(event.deltaY < 0 ? 1.5 : 1 / 1.5, xy[0], xy[1]);
      }, { passive: false });
    }

    function button(id, handler) {
      var node = document.getElementById(id);
      if (node) { node.addEventListener("click", handler); }
    }
    button("zoom-in", function () { zoomAt(2); });
    button("zoom-out", function () { zoomAt(0.5); });
    button("zoom-reset", function () { zoomAt(1 / MAX_ZOOM); });
    button("locate", function () {
      if (!navigator.geolocation) { status.textContent = text("locate_failed"); return; }
      status.textContent = text("locating");
      navigator.geolocation.getCurrentPosition(function (position) {
        var lat = position.coords.latitude, lon = position.coords.longitude;
        setInputs(lat, lon);
        if (svg) { view.zoom = 64; showPin(lat, lon, true); }
        status.textContent = text("located");
      }, function () {
        status.textContent = text("locate_failed");
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("change", function () { if (svg && !writing) { fromInputs(true); } });
    });

    box.hidden = false;
    fetch(box.dataset.src, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(draw)
      .catch(function () { canvas.hidden = true; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("map");
    if (box) { setup(box); }
  });
})();
