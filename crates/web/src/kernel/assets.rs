//! Static files compiled into the binary, so a single executable serves everything.
//! Third-party files live under `static/vendor/` (see its README for versions and checksums) and
//! are served under URLs that carry their version, so browsers may cache them for a year.

use crate::kernel::state::AppState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::compression::CompressionLayer;

const APP_CSS: &str = include_str!("../../static/app.css");
const SIGNBOARD_CSS: &str = include_str!("../../static/signboard.css");
const PUBLIC_CSS: &str = include_str!("../../static/public.css");
const PROJECT_MAP_JS: &str = include_str!("../../static/project-map.js");
const DASHBOARD_JS: &str = include_str!("../../static/dashboard.js");
const PORTAL_MAP_JS: &str = include_str!("../../static/portal-map.js");
const MAP_TILES_JS: &str = include_str!("../../static/map-tiles.js");

/// Cache policy of files whose content may change with a release.
const SHORT_CACHE: &str = "public, max-age=3600";
/// Cache policy of the pinned vendor files, whose URLs change with their version.
const LONG_CACHE: &str = "public, max-age=31536000, immutable";

/// The vendored files: URL path, content type and bytes.
const VENDOR: [(&str, &str, &[u8]); 11] = [
    (
        "/static/vendor/leaflet-1.9.4/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/vendor/leaflet/leaflet.js"),
    ),
    (
        "/static/vendor/leaflet-1.9.4/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/vendor/leaflet/leaflet.css"),
    ),
    (
        "/static/vendor/leaflet-1.9.4/images/layers.png",
        "image/png",
        include_bytes!("../../static/vendor/leaflet/images/layers.png"),
    ),
    (
        "/static/vendor/leaflet-1.9.4/images/layers-2x.png",
        "image/png",
        include_bytes!("../../static/vendor/leaflet/images/layers-2x.png"),
    ),
    (
        "/static/vendor/leaflet-1.9.4/images/marker-icon.png",
        "image/png",
        include_bytes!("../../static/vendor/leaflet/images/marker-icon.png"),
    ),
    (
        "/static/vendor/leaflet-1.9.4/images/marker-icon-2x.png",
        "image/png",
        include_bytes!("../../static/vendor/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "/static/vendor/leaflet-1.9.4/images/marker-shadow.png",
        "image/png",
        include_bytes!("../../static/vendor/leaflet/images/marker-shadow.png"),
    ),
    (
        "/static/vendor/markercluster-1.5.3/leaflet.markercluster.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/vendor/markercluster/leaflet.markercluster.js"),
    ),
    (
        "/static/vendor/markercluster-1.5.3/MarkerCluster.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/vendor/markercluster/MarkerCluster.css"),
    ),
    (
        "/static/vendor/markercluster-1.5.3/MarkerCluster.Default.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/vendor/markercluster/MarkerCluster.Default.css"),
    ),
    (
        "/static/vendor/echarts-5.6.0/echarts.common.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/vendor/echarts/echarts.common.min.js"),
    ),
];

/// One of our own stylesheets, cached for an hour.
fn stylesheet(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, SHORT_CACHE),
        ],
        body,
    )
}

async fn app_css() -> impl IntoResponse {
    stylesheet(APP_CSS)
}

async fn signboard_css() -> impl IntoResponse {
    stylesheet(SIGNBOARD_CSS)
}

async fn public_css() -> impl IntoResponse {
    stylesheet(PUBLIC_CSS)
}

/// One of our own scripts, cached like the stylesheet.
fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, SHORT_CACHE),
        ],
        body,
    )
}

async fn project_map_js() -> impl IntoResponse {
    script(PROJECT_MAP_JS)
}

async fn dashboard_js() -> impl IntoResponse {
    script(DASHBOARD_JS)
}

async fn portal_map_js() -> impl IntoResponse {
    script(PORTAL_MAP_JS)
}

async fn map_tiles_js() -> impl IntoResponse {
    script(MAP_TILES_JS)
}

/// Routes for the static files.
pub fn router() -> Router<AppState> {
    let mut router = Router::new()
        .route("/static/app.css", get(app_css))
        .route("/static/signboard.css", get(signboard_css))
        .route("/static/public.css", get(public_css))
        .route("/static/project-map.js", get(project_map_js))
        .route("/static/dashboard.js", get(dashboard_js))
        .route("/static/portal-map.js", get(portal_map_js))
        .route("/static/map-tiles.js", get(map_tiles_js));
    for (path, content_type, bytes) in VENDOR {
        router = router.route(
            path,
            get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, content_type),
                        (header::CACHE_CONTROL, LONG_CACHE),
                    ],
                    bytes,
                )
            }),
        );
    }
    // Leaflet and ECharts are 150 KB and 1 MB as sent; gzipped, a phone loads a quarter of that.
    router.layer(CompressionLayer::new())
}
