/*
 * Part of this app (not vendored). Loaded by layers/remote.py (after leaflet.js).
 *
 * The static layers of an area (roads, boundaries, basemap, places, labels) are served once
 * as one GeoJSON bundle per area (/api/layers/<name>-<hash>.geojson, cached by the browser)
 * instead of being written into every rerun's map script. Each layer here is an empty
 * L.geoJSON filled when the bundle arrives; styles, tooltips and popups come from small
 * option tables written by Python. Text is always set with textContent: a name is never HTML.
 *
 * window.__petaPending counts the layers still being fetched; while it is above zero the map
 * shows a loading notice (and the benchmark and tests know the map is not drawn yet).
 */
(function () {
  "use strict";
  var P = (window.Peta = window.Peta || {});
  if (P.ready) return;
  P.ready = true;
  P.layers = {};
  P.waiting = {};
  window.__petaPending = window.__petaPending || 0;
  var bundles = {};

  P.bundle = function (url) {
    if (!bundles[url]) {
      bundles[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " " + url);
        return r.json();
      });
    }
    return bundles[url];
  };

  function notice(map) {
    var box = map && map.getContainer ? map.getContainer() : null;
    if (!box) return null;
    var el = box.querySelector(".peta-loading");
    if (!el) {
      el = document.createElement("div");
      el.className = "peta-loading";
      el.setAttribute("role", "status");
      el.setAttribute(
        "style",
        "position:absolute;left:50%;top:12px;transform:translateX(-50%);z-index:1000;" +
          "background:rgba(255,255,255,.95);color:#1b2330;border:1px solid #1f3a68;" +
          "border-radius:4px;padding:4px 10px;font:600 13px/1.3 sans-serif;" +
          "box-shadow:0 1px 4px rgba(0,0,0,.3);pointer-events:none"
      );
      box.appendChild(el);
    }
    return el;
  }

  P.loading = function (map, text) {
    P.map = map;
    P.loadingText = text;
    if (window.__petaPending > 0) {
      var el = notice(map);
      if (el) el.textContent = text;
    }
    declutterOn(map);
  };

  /* The boxes drawn over the map (title, panels, legend, minimap), in container pixels. */
  var OVERLAYS = ".peta-title, .peta-brief-panel, .peta-legend, .leaflet-control-minimap";

  /* A screen rectangle in the pixels of the container whose rectangle is `c`, shrunk by
     `inset` on every side; null when it is empty (not shown). */
  function relative(r, c, inset) {
    if (!r.width || !r.height) return null;
    inset = inset || 0;
    return { left: r.left - c.left + inset, top: r.top - c.top + inset,
             right: r.right - c.left - inset, bottom: r.bottom - c.top - inset };
  }

  function overlayBoxes(map, selector) {
    var c = map.getContainer().getBoundingClientRect();
    return [].slice.call(map.getContainer().querySelectorAll(selector || OVERLAYS))
      .map(function (el) { return relative(el.getBoundingClientRect(), c); })
      .filter(Boolean);
  }

  function overlaps(a, b) {
    return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  }

  /* Labels that would cover one another: the more important one stays (posts first, then
     venues and other points, then kecamatan, then kelurahan); the other moves a line or two
     (an area's name) or is hidden until the view changes. A label under the title, a panel or
     a marker drawn as an icon (a place) is hidden too. Hidden names stay in the tooltips. */
  function rank(el) {
    if (el.classList.contains("peta-label-first")) return 0;
    if (el.classList.contains("peta-label-kelurahan")) return 3;
    if (el.classList.contains("peta-label-kecamatan")) return 2;
    return 1;
  }

  P.declutter = function (map) {
    var pane = map.getPane("markerPane");
    if (!pane) return;
    var c = map.getContainer().getBoundingClientRect();
    var labels = [].slice.call(pane.querySelectorAll(".peta-label"));
    labels.forEach(function (el) { el.style.visibility = ""; el.style.marginTop = ""; });
    labels.sort(function (a, b) { return rank(a) - rank(b); });
    // the boxes over the map and the markers drawn as icons (places, numbered points) first
    var kept = overlayBoxes(map);
    [].slice.call(pane.querySelectorAll(":scope > :not(.peta-label)")).forEach(
      function (el) {
        var r = el.getBoundingClientRect();
        if (!r.width && el.firstElementChild) r = el.firstElementChild.getBoundingClientRect();
        // a pin turned 45° is smaller than its box
        var box = relative(r, c, Math.min(r.width, r.height) * 0.15);
        if (box) kept.push(box);
      });
    var boxes = labels.map(function (el) {
      // the text's own box: a label's element is 0 px wide (its text overflows it)
      var range = document.createRange();
      range.selectNodeContents(el.firstElementChild || el);
      if (getComputedStyle(el).display === "none") return null;
      return relative(range.getBoundingClientRect(), c);
    });
    labels.forEach(function (el, i) {
      var box = boxes[i];
      if (!box) return;
      // an area's name may move a line up or down to clear a marker; a point's stays by it
      var h = box.bottom - box.top + 2;
      var shifts = rank(el) >= 2 ? [0, -h, h, -2 * h, 2 * h] : [0];
      for (var j = 0; j < shifts.length; j++) {
        var moved = { left: box.left, right: box.right, top: box.top + shifts[j],
                      bottom: box.bottom + shifts[j] };
        if (!kept.some(function (k) { return overlaps(moved, k); })) {
          if (shifts[j]) el.style.marginTop = shifts[j] + "px";
          kept.push(moved);
          return;
        }
      }
      el.style.visibility = "hidden";
    });
  };

  function declutterOn(map) {
    if (map.__petaDeclutter) return;
    var pending = null;
    function later() {
      if (pending) clearTimeout(pending);
      pending = setTimeout(function () { pending = null; P.declutter(map); }, 60);
    }
    map.__petaDeclutter = later;
    map.on("zoomend moveend resize", later);
    var pane = map.getPane("markerPane");
    if (pane && window.MutationObserver) {
      new MutationObserver(later).observe(pane, { childList: true });
    }
    later();
  }

  /* A panel that the title box would cover (a narrow screen) moves down below the title. */
  function clearOfTitle(map) {
    var root = map.getContainer();
    var title = root.querySelector(".peta-title");
    if (!title) return;
    var t = title.getBoundingClientRect();
    [].slice.call(root.querySelectorAll(".peta-brief-panel")).forEach(function (panel) {
      var p = panel.getBoundingClientRect();
      if (overlaps(t, p)) {
        var top = t.bottom - root.getBoundingClientRect().top + 8;
        panel.style.top = top + "px";
        panel.style.maxHeight = "calc(100% - " + (top + 40) + "px)";
        panel.style.overflowY = "auto";
      }
    });
  }

  /* Fit `bounds` ([[south, west], [north, east]]) into the part of the map that the boxes
     matching `selector` (title, panels, legend) leave free: the padding grows on the side of
     each box the fitted area would run under, the side that costs the least of the map, for a
     few rounds. The boxes are measured, so any language, theme and screen fit. */
  P.frame = function (map, bounds, selector, margin) {
    var first = !map.__petaFrame;
    map.__petaFrame = [bounds, selector, margin || 12]; // a later call replaces the frame
    if (first) map.whenReady(function () { setTimeout(fit, 0); });
    function fit() {
      clearOfTitle(map);
      var target = L.latLngBounds(map.__petaFrame[0]);
      var boxes = map.__petaFrame[1];
      var margin = map.__petaFrame[2];
      var size = map.getSize();
      var pad = { top: margin, bottom: margin, left: margin, right: margin };
      for (var round = 0; round < 4; round++) {
        map.fitBounds(target, { paddingTopLeft: [pad.left, pad.top],
                                paddingBottomRight: [pad.right, pad.bottom], animate: false });
        var nw = map.latLngToContainerPoint(target.getNorthWest());
        var se = map.latLngToContainerPoint(target.getSouthEast());
        var area = { left: nw.x, top: nw.y, right: se.x, bottom: se.y };
        var grown = false;
        overlayBoxes(map, boxes).forEach(function (b) {
          if (!overlaps(area, b)) return;
          var options = [
            ["top", b.bottom + margin, size.y], ["bottom", size.y - b.top + margin, size.y],
            ["left", b.right + margin, size.x], ["right", size.x - b.left + margin, size.x],
          ].filter(function (o) { return o[1] > pad[o[0]] && o[1] < o[2] / 2; });
          if (!options.length) return;
          options.sort(function (a, c) { return a[1] / a[2] - c[1] / c[2]; });
          pad[options[0][0]] = options[0][1];
          grown = true;
        });
        if (!grown) break;
      }
    }
  };

  function started() {
    window.__petaPending += 1;
    var el = notice(P.map);
    if (el) el.textContent = P.loadingText || "…";
  }

  function finished(failed) {
    window.__petaPending = Math.max(0, window.__petaPending - 1);
    var el = notice(P.map);
    if (!el) return;
    if (failed) {
      el.textContent = P.failedText || "!";
      el.style.borderColor = "#b2182b";
    } else if (window.__petaPending === 0) {
      el.remove();
    }
  }

  /* "{key}" placeholders from properties (through optional value tables); a line whose
     placeholders are empty is dropped (null). */
  function fill(template, props, maps) {
    var empty = false;
    var out = template.replace(/\{(\w+)\}/g, function (_, key) {
      var v = props[key];
      if (maps && maps[key]) v = maps[key][String(v)];
      if (v === undefined || v === null || v === "" || v === false) {
        empty = true;
        return "";
      }
      return String(v);
    });
    return empty ? null : out;
  }

  function text(tag, value, style) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (style) el.setAttribute("style", style);
    return el;
  }

  function lines(list, props, maps) {
    var out = [];
    (list || []).forEach(function (t) {
      var v = fill(t, props, maps);
      if (v !== null) out.push(v);
    });
    return out;
  }

  function styleOf(o, props) {
    var s = o.style || {};
    if (o.styleBy) {
      var extra = (o.styles || {})[String(props[o.styleBy])];
      if (extra) s = Object.assign({}, s, extra);
    }
    return s;
  }

  function bind(o, feature, layer) {
    var p = feature.properties || {};
    if (o.tooltip) {
      var tip = lines(o.tooltip, p, o.maps).join(" ");
      if (tip) layer.bindTooltip(text("span", tip), o.tooltipOptions || {});
    }
    if (o.popup) {
      var box = document.createElement("div");
      var title = fill(o.popup.title || "", p, o.maps);
      if (title) box.appendChild(text("b", title));
      lines(o.popup.lines, p, o.maps).forEach(function (l) {
        box.appendChild(document.createElement("br"));
        box.appendChild(text("span", l));
      });
      layer.bindPopup(box, { maxWidth: 320 });
    }
  }

  function point(o, feature, latlng) {
    var p = feature.properties || {};
    if (o.kind === "label") {
      var icon = L.divIcon({
        html: text("div", String(p[o.textKey || "t"] || ""), styleOf(o, p).css || ""),
        iconSize: [0, 0],
        className: "peta-label" + (o.labelClass ? " " + o.labelClass : ""),
      });
      return L.marker(latlng, { icon: icon, interactive: false, keyboard: false });
    }
    if (o.kind === "beautify" && L.BeautifyIcon) {
      var opts = Object.assign({}, o.icon || {});
      if (o.alternate && p[o.alternate.key]) Object.assign(opts, o.alternate.options);
      return L.marker(latlng, { icon: L.BeautifyIcon.icon(opts) });
    }
    return L.circleMarker(latlng, styleOf(o, p));
  }

  /* Served layers marked `under` (basemap, roads) go below the page's own layers: they arrive
     after those are drawn, and on one canvas the last drawn covers the rest. Among themselves
     they keep the order in which the map made them. */
  var served = [];

  function underneath() {
    for (var i = served.length - 1; i >= 0; i--) {
      if (served[i].__petaLoaded && served[i]._map) served[i].bringToBack();
    }
  }

  /* An empty L.geoJSON on `parent`, drawn by the options `o`. */
  function geoLayer(parent, o) {
    var layer = L.geoJSON(null, {
      style: function (f) {
        return styleOf(o, f.properties || {});
      },
      pointToLayer: function (f, latlng) {
        return point(o, f, latlng);
      },
      onEachFeature: o.tooltip || o.popup ? function (f, l) { bind(o, f, l); } : undefined,
      interactive: o.interactive !== false,
      smoothFactor: o.smoothFactor || 1.0,
    });
    layer.addTo(parent);
    if (o.name) P.layers[o.name] = layer;
    return layer;
  }

  /* A layer on `parent`, filled with bundle[part] when the bundle arrives. */
  P.remote = function (parent, url, part, o) {
    o = o || {};
    var layer = geoLayer(parent, o);
    if (o.under) served.push(layer);
    started();
    P.bundle(url)
      .then(function (data) {
        layer.addData(data[part] || { type: "FeatureCollection", features: [] });
        layer.__petaLoaded = true;
        underneath();
        var todo = (o.name && P.waiting[o.name]) || [];
        if (o.name) delete P.waiting[o.name];
        todo.forEach(function (fn) { fn(layer); });
        finished(false);
      })
      .catch(function (err) {
        console.error("peta: layer", part, err);
        finished(true);
      });
    return layer;
  };

  /* A layer on `parent` drawn at once from `data` (a small layer that changes with a click);
     `o.labels`, options of a second layer drawn from the same data (e.g. names as labels). */
  P.inline = function (parent, data, o) {
    o = o || {};
    var layer = geoLayer(parent, o);
    layer.addData(data);
    layer.__petaLoaded = true;
    if (o.labels) geoLayer(parent, o.labels).addData(data);
    return layer;
  };

  /* Run fn(layer) once the named remote layer has its data (now, if it has). */
  P.whenLoaded = function (name, fn) {
    var layer = P.layers[name];
    if (layer && layer.__petaLoaded) fn(layer);
    else (P.waiting[name] = P.waiting[name] || []).push(fn);
  };

  /* Restyle the features of a named remote layer by a code per feature (property `i`):
     codes is a string, one character per feature index ("0".."9", "a".., "-" = default).
     Used for the coverage time bands: the roads are fetched once, only the codes change. */
  P.restyle = function (name, codes, styles, tips) {
    P.whenLoaded(name, function (layer) {
      layer.eachLayer(function (l) {
        var i = (l.feature.properties || {}).i;
        var c = codes && i !== undefined ? codes.charAt(i) : "-";
        var s = styles && c !== "-" ? styles[c] : null;
        if (s) l.setStyle(s);
        else layer.resetStyle(l);
        if (tips && c !== "-" && tips[c]) {
          l.unbindTooltip();
          l.bindTooltip(text("span", tips[c]), { sticky: true });
        } else if (tips) {
          l.unbindTooltip();
        }
      });
    });
  };
})();
