// The configured tile layers of a map container (Leaflet, vendored under /static/vendor/), shared
// by the project map and the portal map. The server writes the tile source into the container:
//
//   data-tiles="URL [URL]"   templates drawn on top of each other (天地图: base map and labels)
//   data-subdomains="abc"    values of {s}
//   data-attribution="TEXT"  the provider's credit, shown once
//
// No templates (the `none` source): nothing is added and the markers show on a blank ground.
(function () {
  "use strict";

  window.MinxinTiles = {
    addTo: function (map, container) {
      var subdomains = container.getAttribute("data-subdomains") || "abc";
      (container.getAttribute("data-tiles") || "").split(" ").forEach(function (url, i) {
        if (url) {
          window.L.tileLayer(url, {
            maxZoom: 18,
            subdomains: subdomains,
            attribution: i === 0 ? container.getAttribute("data-attribution") || "" : "",
          }).addTo(map);
        }
      });
    },
  };
})();
