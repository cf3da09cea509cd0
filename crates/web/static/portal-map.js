// The portal map ("一张图"): public projects as markers coloured by stage or light, clustered
// when zoomed out. Progressive enhancement only: the map parts are `hidden` in the HTML and the
// list below them works without this script, without Leaflet or without tiles.
//
//   <div id="portal-map" data-markers="/map/markers.json?<filter>" data-tiles="URL URL"
//        data-subdomains="abc" data-attribution="…" data-label="…" data-labels="{json}" hidden>
//
// Markers come from the server for the visible area only (`&bbox=west,south,east,north`, in the
// tiles' datum): each project as [code, name, lat, lon, stage, light] when at most 5,000 match,
// else grid cells as [count, lat, lon, south, west, north, east] to zoom into; and the residents'
// requests the office published there as [lat, lon, category, state, wording, overdue].
(function () {
  "use strict";

  var CHINA = [[18.0, 73.5], [53.6, 135.1]];
  var STAGE_COLOURS = {
    approved: "#1f5fbf", procurement: "#6b3fa0", construction: "#c25400",
    acceptance: "#00796b", evaluation: "#2e7d32", maintenance: "#33691e",
    archived: "#5f6368", suspended: "#3c4043", cancelled: "#202124",
  };
  var REQUEST_COLOUR = "#b0005a";
  var OVERDUE_COLOUR = "#a8160c";
  var LIGHT_COLOURS = { red: "#a8160c", yellow: "#946c00", green: "#146c2e", none: "#5f6368" };

  function text(template, n) {
    return template.replace("{n}", String(n));
  }

  function setUp(container) {
    var L = window.L;
    var labels = JSON.parse(container.getAttribute("data-labels") || "{}");
    var base = container.getAttribute("data-markers");
    var status = document.getElementById("map-status");
    var legend = document.getElementById("map-legend");
    var tools = document.getElementById("map-tools");
    var colourBy = "stage";

    container.hidden = false;
    tools.hidden = false;
    legend.hidden = false;
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", container.getAttribute("data-label") || "map");

    var map = L.map(container, { scrollWheelZoom: false, keyboard: true, maxZoom: 18 });
    window.MinxinTiles.addTo(map, container);
    var markers = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    var cells = L.layerGroup();
    var requests = L.layerGroup();
    map.addLayer(markers);
    map.addLayer(cells);
    map.addLayer(requests);
    var last = { markers: [], clusters: [], requests: [] };

    function colourOf(stage, light) {
      return colourBy === "light"
        ? LIGHT_COLOURS[light || "none"]
        : STAGE_COLOURS[stage] || "#5f6368";
    }

    function nameOfLight(light) {
      return light ? labels.lights[light] : labels.no_light;
    }

    function pin(colour) {
      var el = document.createElement("span");
      el.className = "pin";
      el.style.backgroundColor = colour;
      return L.divIcon({ className: "pin-icon", html: el, iconSize: [18, 18], iconAnchor: [9, 9] });
    }

    function popup(row) {
      var box = document.createElement("div");
      var title = document.createElement("a");
      title.href = "/p/" + encodeURIComponent(row[0]);
      title.textContent = row[1];
      title.className = "popup-title";
      var facts = document.createElement("p");
      facts.textContent = (labels.stages[row[4]] || row[4]) + " · " + nameOfLight(row[5]);
      var open = document.createElement("a");
      open.href = title.href;
      open.textContent = labels.open + " →";
      box.appendChild(title);
      box.appendChild(facts);
      box.appendChild(open);
      return box;
    }

    function requestPopup(row) {
      var box = document.createElement("div");
      var title = document.createElement("p");
      title.className = "popup-title";
      title.textContent = row[2] + " · " + (labels.request_states[row[3]] || row[3]) +
        (row[5] ? " · " + labels.overdue : "");
      var wording = document.createElement("p");
      wording.textContent = row[4];
      box.appendChild(title);
      box.appendChild(wording);
      return box;
    }

    function draw() {
      markers.clearLayers();
      cells.clearLayers();
      requests.clearLayers();
      (last.requests || []).forEach(function (row) {
        L.circleMarker([row[0], row[1]], {
          radius: row[5] ? 9 : 7,
          color: row[5] ? OVERDUE_COLOUR : "#ffffff",
          weight: row[5] ? 3 : 2,
          fillColor: REQUEST_COLOUR,
          fillOpacity: 0.9,
        }).bindPopup(function () { return requestPopup(row); }).addTo(requests);
      });
      markers.addLayers(
        last.markers.map(function (row) {
          return L.marker([row[2], row[3]], {
            icon: pin(colourOf(row[4], row[5])),
            title: row[1],
            alt: row[1],
            keyboard: true,
          }).bindPopup(function () { return popup(row); });
        })
      );
      last.clusters.forEach(function (c) {
        var label = text(labels.cluster, c[0]);
        var icon = L.divIcon({
          className: "marker-cluster marker-cluster-large",
          html: "<div><span>" + c[0] + "</span></div>",
          iconSize: [40, 40],
        });
        L.marker([c[1], c[2]], { icon: icon, title: label, alt: label, keyboard: true })
          .on("click", function () {
            map.fitBounds([[c[3], c[4]], [c[5], c[6]]], { padding: [20, 20] });
          })
          .addTo(cells);
      });
      drawLegend();
    }

    function drawLegend() {
      legend.textContent = "";
      var entries = colourBy === "light"
        ? ["red", "yellow", "green", "none"].map(function (l) {
            return [LIGHT_COLOURS[l], l === "none" ? labels.no_light : labels.lights[l]];
          })
        : Object.keys(STAGE_COLOURS).map(function (s) { return [STAGE_COLOURS[s], labels.stages[s]]; });
      entries.push([REQUEST_COLOUR, labels.requests]);
      entries.push([OVERDUE_COLOUR, labels.requests + " · " + labels.overdue]);
      entries.forEach(function (entry) {
        var li = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "pin";
        swatch.style.backgroundColor = entry[0];
        li.appendChild(swatch);
        li.appendChild(document.createTextNode(" " + entry[1]));
        legend.appendChild(li);
      });
    }

    function url(bounds) {
      return base + (base.indexOf("?") >= 0 ? "&" : "?") + "bbox=" + bounds.toBBoxString();
    }

    var pending = 0;
    function load(bounds, fit) {
      var ticket = ++pending;
      return fetch(url(bounds), { headers: { accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          if (ticket !== pending) { return; }
          last = data;
          draw();
          status.textContent = data.total ? text(labels.shown, data.total) : labels.none;
          container.setAttribute("data-total", String(data.total));
          if (fit) {
            var points = data.markers.map(function (m) { return [m[2], m[3]]; })
              .concat(data.clusters.map(function (c) { return [c[3], c[4]]; }))
              .concat(data.clusters.map(function (c) { return [c[5], c[6]]; }));
            if (points.length) {
              map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
            }
          }
          container.setAttribute("data-ready", "true");
        })
        .catch(function () {
          status.textContent = labels.failed;
          container.setAttribute("data-ready", "failed");
        });
    }

    map.fitBounds(CHINA);
    load(map.getBounds(), true).then(function () {
      map.on("moveend", function () { load(map.getBounds(), false); });
      load(map.getBounds(), false);
    });

    Array.prototype.forEach.call(tools.querySelectorAll("input[name=colour]"), function (radio) {
      radio.addEventListener("change", function () {
        colourBy = radio.value;
        draw();
      });
    });
  }

  function start() {
    var container = document.getElementById("portal-map");
    if (container && window.L && window.L.markerClusterGroup && window.MinxinTiles) {
      setUp(container);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
