// The project map (Leaflet, vendored under /static/vendor/). Progressive enhancement only: the
// map containers are `hidden` in the HTML and shown here, so without JavaScript, without Leaflet
// or without map tiles the typed latitude/longitude inputs work exactly the same.
//
//   <div data-project-map="pick" data-lat-input="ID" data-lng-input="ID" data-label="TEXT"
//        data-tiles=… hidden>   click to fill the two inputs (tiles: see map-tiles.js)
//        data-locate="BUTTON_ID" data-locate-status="ID" data-locate-failed="TEXT"   optional: a
//        button that asks the browser for the device's position (with the user's permission)
//   <div data-project-map="show" data-lat="…" data-lng="…" …  hidden>   one marker, read-only
(function () {
  "use strict";

  var DEFAULT_CENTER = [35.0, 105.0]; // all of China, when no point is known yet
  var DEFAULT_ZOOM = 4;
  var POINT_ZOOM = 16;

  function number(text) {
    if (typeof text !== "string" || text.trim() === "") {
      return null;
    }
    var value = Number(text.trim());
    return isFinite(value) ? value : null;
  }

  function point(lat, lng) {
    if (lat === null || lng === null) {
      return null;
    }
    if (lat < -90 || lat > 90 || lng < -180 || lng > 180) {
      return null;
    }
    return [lat, lng];
  }

  function setUp(container) {
    var L = window.L;
    var mode = container.getAttribute("data-project-map");
    var latInput = document.getElementById(container.getAttribute("data-lat-input") || "");
    var lngInput = document.getElementById(container.getAttribute("data-lng-input") || "");
    var start =
      mode === "pick"
        ? point(number(latInput && latInput.value), number(lngInput && lngInput.value))
        : point(number(container.getAttribute("data-lat")), number(container.getAttribute("data-lng")));
    if (mode === "pick" && !(latInput && lngInput)) {
      return;
    }
    if (mode === "show" && !start) {
      return;
    }

    container.hidden = false;
    container.setAttribute("role", "application");
    container.setAttribute("aria-label", container.getAttribute("data-label") || "map");
    var form = container.closest("form");
    if (form) {
      Array.prototype.forEach.call(form.querySelectorAll(".map-only"), function (el) {
        el.hidden = false;
      });
    }

    var map = L.map(container, {
      center: start || DEFAULT_CENTER,
      zoom: start ? POINT_ZOOM : DEFAULT_ZOOM,
      scrollWheelZoom: false,
    });
    window.MinxinTiles.addTo(map, container);
    var marker = start ? L.marker(start, { keyboard: false }).addTo(map) : null;
    if (mode !== "pick") {
      return;
    }

    function place(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { keyboard: false }).addTo(map);
      }
    }

    function fill(latlng) {
      latInput.value = latlng.lat.toFixed(6);
      lngInput.value = latlng.lng.toFixed(6);
      place(latlng);
      [latInput, lngInput].forEach(function (input) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }

    map.on("click", function (event) {
      fill(event.latlng.wrap());
    });

    var locate = document.getElementById(container.getAttribute("data-locate") || "");
    var status = document.getElementById(container.getAttribute("data-locate-status") || "");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
            fill(latlng);
            map.setView(latlng, POINT_ZOOM);
            if (status) {
              status.textContent = "";
            }
          },
          function () {
            if (status) {
              status.textContent = container.getAttribute("data-locate-failed") || "";
            }
          },
          { enableHighAccuracy: true, timeout: 15000 }
        );
      });
    } else if (locate) {
      locate.remove();
    }

    function typed() {
      var p = point(number(latInput.value), number(lngInput.value));
      if (p) {
        place(p);
        map.setView(p, Math.max(map.getZoom(), POINT_ZOOM - 2));
      }
    }
    latInput.addEventListener("input", typed);
    lngInput.addEventListener("input", typed);
  }

  function init() {
    if (!window.L || !window.MinxinTiles) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-project-map]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
