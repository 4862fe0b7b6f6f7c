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
    started();
    P.bundle(url)
      .then(function (data) {
        layer.addData(data[part] || { type: "FeatureCollection", features: [] });
        layer.__petaLoaded = true;
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
