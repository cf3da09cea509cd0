// The hot spots of the request statistics as circles on a Leaflet map, sized by their count.
// Progressive enhancement only: the map container is `hidden` in the HTML and the table of hot
// spots (rows with data-lat, data-lon and data-count) is what the page shows without it.
(function () {
  "use strict";

  function setUp(container) {
    var L = window.L;
    var rows = document.querySelectorAll("#table-hot-spots tr.hot-spot");
    if (!L || rows.length === 0) {
      return;
    }
    container.hidden = false;
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", container.getAttribute("data-label") || "map");
    var map = L.map(container);
    window.MinxinTiles.addTo(map, container);
    var most = Number(rows[0].getAttribute("data-count")) || 1;
    var bounds = [];
    rows.forEach(function (row) {
      var lat = Number(row.getAttribute("data-lat"));
      var lon = Number(row.getAttribute("data-lon"));
      var count = Number(row.getAttribute("data-count"));
      bounds.push([lat, lon]);
      L.circleMarker([lat, lon], {
        radius: 6 + 24 * Math.sqrt(count / most),
        color: "#a8160c",
        fillOpacity: 0.4,
      })
        .bindTooltip(String(count))
        .addTo(map);
    });
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("hot-spot-map");
    if (container) {
      setUp(container);
    }
  });
})();
