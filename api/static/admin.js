// The admin's site form: a Leaflet map that fills the latitude and longitude inputs when clicked, and a
// slug proposed from the name while the slug is empty. The form works without this script.
(function () {
  "use strict";

  function number(input) {
    var value = parseFloat(input.value);
    return isNaN(value) ? null : value;
  }

  function locationPicker(box) {
    var lat = document.getElementById("f-location-lat");
    var lon = document.getElementById("f-location-lon");
    if (!window.L || !lat || !lon) return;
    box.hidden = false;
    var map = L.map(box).setView([16.0, 106.5], 5);  // Vietnam
    L.tileLayer(box.dataset.tiles, {maxZoom: 19, attribution: box.dataset.attribution}).addTo(map);
    // DIACHIDO_MAP_ATTRIBUTION_PREFIX, as text (setPrefix takes HTML); empty: no prefix
    map.attributionControl.setPrefix(box.dataset.prefix.replace(/[&<>"]/g, function (c) {
      return "&#" + c.charCodeAt(0) + ";";
    }) || false);
    var marker = null;
    function place(fromInputs) {
      var point = [number(lat), number(lon)];
      if (point[0] === null || point[1] === null) return;
      if (marker) marker.setLatLng(point); else marker = L.marker(point).addTo(map);
      if (fromInputs) map.setView(point, Math.max(map.getZoom(), 13));
    }
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      place(false);
    });
    lat.addEventListener("change", function () { place(true); });
    lon.addEventListener("change", function () { place(true); });
    place(true);
  }

  // Same folding as sites/editing.py propose_slug: "Đình Thới An" -> "dinh-thoi-an".
  function slugOf(name) {
    return name.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
  }

  function slugProposal(name, slug) {
    var proposed = slug.value === "";
    slug.addEventListener("input", function () { proposed = slug.value === ""; });
    name.addEventListener("input", function () { if (proposed) slug.value = slugOf(name.value); });
  }

  var box = document.getElementById("location-map");
  if (box) locationPicker(box);
  var name = document.getElementById("f-name");
  var slug = document.querySelector("#f-slug[data-propose]");
  if (name && slug) slugProposal(name, slug);
})();
