//! The request id: one per request, taken from the load balancer's `x-request-id` when it sent
//! a well-formed one (so its logs and ours meet), generated otherwise, returned in the
//! `x-request-id` response header and carried by every log line written while the request is
//! served (the span of [`span`]). The span names the route template, never the raw path or
//! query, which may carry codes or a resident's search text.

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

/// The header the id travels in, both ways.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest incoming id accepted.
const MAX_LEN: usize = 128;

/// Whether an incoming id may be kept: 1 to [`MAX_LEN`] characters of letters, digits and
/// `- _ . : = + /` (UUIDs, nginx's `$request_id`, cloud balancers' trace ids), nothing that
/// could break a log line.
pub fn acceptable(id: &HeaderValue) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_LEN
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:=+/".contains(b))
}

/// Makes 128 random bits, as 32 hexadecimal digits, for a request that came without an id.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomId;

impl MakeRequestId for RandomId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let id = format!("{:032x}", rand::random::<u128>());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// Drops an incoming id that is not [`acceptable`], so one is generated instead.
async fn drop_unacceptable(mut request: Request) -> Request {
    if request
        .headers()
        .get(&HEADER)
        .is_some_and(|id| !acceptable(id))
    {
        request.headers_mut().remove(&HEADER);
    }
    request
}

/// The span of one request: method, route template and request id.
pub fn span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("");
    tracing::info_span!("request", method = %request.method(), route, request_id = id)
}

/// `router` with request ids and a tracing span per request, outermost of its layers.
pub fn traced<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(TraceLayer::new_for_http().make_span_with(span))
        .layer(PropagateRequestIdLayer::new(HEADER))
        .layer(SetRequestIdLayer::new(HEADER, RandomId))
        .layer(axum::middleware::map_request(drop_unacceptable))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_balancer_ids_are_kept_and_odd_ones_refused() {
        let ok = |s: &str| acceptable(&HeaderValue::from_str(s).unwrap());
        assert!(ok("3f2b8c0e-1d4a-4c5e-9b7a-0a1b2c3d4e5f"));
        assert!(ok("Root=1-67891233-abcdef012345678912345678"));
        assert!(!ok(""));
        assert!(!ok("has space"));
        assert!(!ok("quote\"d"));
        assert!(!ok(&"a".repeat(MAX_LEN + 1)));
    }
}
