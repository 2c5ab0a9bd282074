// Draws the sites of the map feed (/api/map-points.json: one array per site, fields named in `fields`) as
// circle markers on the map's canvas, sized and coloured by their visits, in one cluster layer that takes
// them in chunks (chunkedLoading), so the page stays responsive; adds the legend. Called by the script
// map/build.py writes, with the Leaflet map, its L.markerClusterGroup, the layer control's feature group of
// each category, and `config` from Python (data address, texts in the page's language, visit steps).
(function (map, cluster, categories, config) {
  "use strict";
  var texts = config.texts;
  var markersOf = {};  // category -> its markers

  function stepOf(visits) {
    var chosen = config.steps[0];
    config.steps.forEach(function (step) {
      if (visits >= step.least) chosen = step;
    });
    return chosen;
  }

  function number(value) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, texts.thousands);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;  // never innerHTML: names are staff input
    return node;
  }

  function link(href, text) {
    var anchor = element("a", "", text);
    anchor.href = href;
    if (config.link_target !== "_self") {
      anchor.target = config.link_target;
      anchor.rel = "noopener";
    }
    return anchor;
  }

  function popup(site) {
    var box = element("div", "site-popup");
    var title = element("strong");
    title.appendChild(link(site.url, site.name));
    box.appendChild(title);
    box.appendChild(element("div", "", site.category_label));
    var counts = element("dl");
    [[texts.scans, site.scans], [texts.views, site.views], [texts.recent, site.visits_30_days]].forEach(
      function (row) {
        counts.appendChild(element("dt", "", row[0]));
        counts.appendChild(element("dd", "", number(row[1])));
      }
    );
    box.appendChild(counts);
    box.appendChild(link(site.url, texts.open_page));
    return box;
  }

  // Clusters are neutral rings with the number of sites, so colour on the map only ever means visits.
  cluster.options.iconCreateFunction = function (group) {
    var count = group.getChildCount();
    var size = 30 + 6 * String(count).length;
    return L.divIcon({ html: "<span>" + count + "</span>", className: "site-cluster", iconSize: L.point(size, size) });
  };

  // One site of the feed as the object popups read (and tests find as marker.feature.properties).
  function siteOf(row, feed) {
    var site = {};
    feed.fields.forEach(function (field, position) { site[field] = row[position]; });
    site.category_label = feed.categories[site.category];
    site.url = feed.url + site.slug;
    return site;
  }

  function draw(feed) {
    var all = [];
    feed.sites.forEach(function (row) {
      var site = siteOf(row, feed);
      var step = stepOf(site.scans + site.views);
      var marker = L.circleMarker([site.lat, site.lon], {
        radius: step.radius, fillColor: step.color, fillOpacity: 0.9, color: "#222", weight: 1,
      });
      marker.feature = { type: "Feature", properties: site };
      (markersOf[site.category] = markersOf[site.category] || []).push(marker);
      if (!categories[site.category] || map.hasLayer(categories[site.category])) all.push(marker);
    });
    // data-sites says every marker is in the cluster: set when the last chunk is in.
    cluster.options.chunkProgress = function (processed, total) {
      if (processed === total) map.getContainer().setAttribute("data-sites", feed.sites.length);
    };
    cluster.addLayers(all);
  }

  // One popup for every marker, filled for the marker clicked, rather than one bound to each of 40,000 markers.
  cluster.bindPopup(function (marker) { return popup(marker.feature.properties); });

  function categoryOf(layer) {
    return Object.keys(categories).filter(function (key) { return categories[key] === layer; })[0];
  }

  map.on("overlayadd", function (event) {
    cluster.addLayers(markersOf[categoryOf(event.layer)] || []);
  });
  map.on("overlayremove", function (event) {
    cluster.removeLayers(markersOf[categoryOf(event.layer)] || []);
  });

  // The legend folds (a <details>) and starts folded on a narrow map, so it hides little of a phone's screen.
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var box = element("details", "map-legend");
    box.open = map.getSize().x >= 480;
    box.appendChild(element("summary", "", texts.legend_title));
    config.steps.forEach(function (step) {
      var row = element("div");
      var dot = element("span", "map-legend-dot");
      dot.style.width = dot.style.height = 2 * step.radius + "px";
      dot.style.background = step.color;
      row.appendChild(dot);
      row.appendChild(document.createTextNode(step.label));
      box.appendChild(row);
    });
    var clusterRow = element("div");
    clusterRow.appendChild(element("span", "map-legend-cluster", "3"));
    clusterRow.appendChild(document.createTextNode(texts.cluster));
    box.appendChild(clusterRow);
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);
  map.attributionControl.setPrefix(config.attribution_prefix || false);

  // Fit the sites again, now that the controls are drawn: no marker starts under a corner's controls.
  function cornerHeight(vertical) {
    var corners = map.getContainer().querySelectorAll(".leaflet-" + vertical);
    return Math.max.apply(null, Array.prototype.map.call(corners, function (corner) { return corner.offsetHeight; }));
  }
  map.fitBounds(config.bounds, {
    maxZoom: config.max_zoom,
    paddingTopLeft: [24, cornerHeight("top") + 8],
    paddingBottomRight: [24, cornerHeight("bottom") + 8],
  });

  function failed() {
    var notice = L.control({ position: "topleft" });
    notice.onAdd = function () { return element("div", "map-notice", texts.load_failed); };
    notice.addTo(map);
  }

  fetch(config.data_url, { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(draw)
    .catch(failed);
});
