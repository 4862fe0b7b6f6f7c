/*
 * Part of this app (not vendored). Loaded right after leaflet.js by layers/assets.py.
 *
 * Leaflet finds its default marker images through a CSS rule of leaflet.css. In the
 * streamlit-folium iframe the map script runs before that stylesheet has loaded, and
 * Leaflet 1.9.3's fallback then builds ".../leaflet-1.9.3marker-icon.png" (404), so every
 * marker created with the default icon (folium.Marker adds one before setIcon) is broken.
 * Setting the path explicitly avoids the detection altogether.
 */
(function () {
  var script = document.currentScript;
  var base = script && script.src ? script.src : window.location.href;
  L.Icon.Default.imagePath = new URL("leaflet-1.9.3/images/", base).href;
})();
