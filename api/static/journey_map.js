// Draws a journey on a Leaflet map: its stops as numbered markers joined in order by the route line, from
// the journey's GeoJSON (/api/journeys/SLUG.geojson). On the journey page it makes its own map in
// #journey-map; on /map?journey=SLUG it draws on the page's Folium map. Without script the numbered list
// of stops is the content.
(function () {
  "use strict";
  function draw(map, url) {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      var layer = L.geoJSON(data, {
        filter: function (f) { return f.geometry !== null; },
        style: function () { return {color: "#a4161a", weight: 4, opacity: 0.85, dashArray: "8 6"}; },
        pointToLayer: function (f, latlng) {
          var icon = L.divIcon({className: "journey-marker", html: String(f.properties.number || "★"),
                                iconSize: [26, 26]});
          return L.marker(latlng, {icon: icon, title: f.properties.name, alt: f.properties.name});
        },
        onEachFeature: function (f, l) {
          if (f.properties.kind === "stop") {
            var a = document.createElement("a");
            a.href = f.properties.url;
            a.textContent = f.properties.number + ". " + f.properties.name;
            l.bindPopup(a);
          }
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, {padding: [24, 24], maxZoom: 15});
    });
  }
  function start() {
    var box = document.getElementById("journey-map");
    var route = document.getElementById("journey-route");
    if (box) {
      var map = L.map(box, {scrollWheelZoom: false}).setView([16, 106], 5);
      var text = document.createElement("span");
      text.textContent = box.dataset.attribution;  // a setting, shown as text
      L.tileLayer(box.dataset.tiles, {attribution: text.innerHTML, maxZoom: 19}).addTo(map);
      draw(map, box.dataset.geojson);
    } else if (route) {
      var element = document.querySelector(".folium-map");
      var wait = function () {  // the Folium map is made by the page's inline script
        if (element && window[element.id]) draw(window[element.id], route.dataset.geojson);
        else setTimeout(wait, 50);
      };
      wait();
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
