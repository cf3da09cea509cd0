//! The error answers every operation shares, documented once for the whole API document.
//!
//! Handlers document what is particular to them (201, 409, 429 …); the answers that follow
//! from an operation's shape — a bad parameter, a missing token, a role that may not, an
//! unknown id in the path, a body that is too big, of the wrong type or not the expected JSON —
//! are added here to every
//! operation that has that shape, after all routes are merged. A new endpoint therefore gets
//! them without a line of its own, and the document cannot drift from what the extractors and
//! [`crate::kernel::error::render_api_failures`] really answer.

use crate::kernel::error::ErrorBody;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{Content, OpenApi, PathItem, Ref, RefOr, Response, ResponseBuilder, Schema};
use utoipa::{PartialSchema, ToSchema};

/// A shared answer: its status, its name under `components/responses`, what it means, and
/// whether an operation of a given shape can give it.
struct Common {
    status: &'static str,
    name: &'static str,
    description: &'static str,
    applies: fn(&Shape) -> bool,
}

/// What decides which shared answers an operation can give.
struct Shape {
    parameters: bool,
    path_parameters: bool,
    body: bool,
    bearer: bool,
}

const COMMON: [Common; 6] = [
    Common {
        status: "400",
        name: "BadRequest",
        description: "A parameter or a field breaks a rule (`invalid`, with every problem in `fields`), or the body is not JSON of the documented shape (`bad_request`).",
        applies: |s| s.parameters || s.body,
    },
    Common {
        status: "401",
        name: "Unauthorized",
        description: "No bearer token, or one that is unknown, expired or revoked.",
        applies: |s| s.bearer,
    },
    Common {
        status: "403",
        name: "Forbidden",
        description: "Your roles do not allow this (storage checks the role on every call).",
        applies: |s| s.bearer,
    },
    Common {
        status: "404",
        name: "NotFound",
        description: "Nothing with this id exists in your data scope.",
        applies: |s| s.path_parameters,
    },
    Common {
        status: "413",
        name: "PayloadTooLarge",
        description: "The body is larger than the configured `body_limit`.",
        applies: |s| s.body,
    },
    Common {
        status: "415",
        name: "UnsupportedMediaType",
        description: "The body is not of the documented content type.",
        applies: |s| s.body,
    },
];

/// Adds the shared error answers to `components/responses` and refers to them from every
/// operation that can give them, keeping what a handler documented itself.
pub(super) fn document_common_errors(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .schemas
        .entry(ErrorBody::name().into_owned())
        .or_insert_with(ErrorBody::schema);
    for common in &COMMON {
        components.responses.insert(
            common.name.to_owned(),
            RefOr::T(response(common.description)),
        );
    }
    let default_bearer = doc.security.as_ref().is_some_and(|s| !s.is_empty());
    for (path, item) in doc.paths.paths.iter_mut() {
        let path_parameters = path.contains('{');
        for operation in operations(item) {
            let shape = Shape {
                parameters: operation.parameters.as_ref().is_some_and(|p| !p.is_empty()),
                path_parameters,
                body: operation.request_body.is_some(),
                bearer: operation
                    .security
                    .as_ref()
                    .map_or(default_bearer, |s| is_secured(s)),
            };
            for common in COMMON.iter().filter(|c| (c.applies)(&shape)) {
                operation
                    .responses
                    .responses
                    .entry(common.status.to_owned())
                    .or_insert_with(|| {
                        RefOr::Ref(Ref::new(format!("#/components/responses/{}", common.name)))
                    });
            }
        }
    }
}

/// An error answer with the JSON error body.
fn response(description: &str) -> Response {
    let schema: RefOr<Schema> = RefOr::Ref(Ref::from_schema_name(ErrorBody::name()));
    ResponseBuilder::new()
        .description(description)
        .content("application/json", Content::new(Some(schema)))
        .build()
}

/// Whether an operation's own security list asks for a credential: `security: []` (or `[{}]`)
/// marks an operation anyone may call.
fn is_secured(requirements: &[utoipa::openapi::security::SecurityRequirement]) -> bool {
    requirements.iter().any(|r| {
        serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty()))
    })
}

/// Every operation of a path.
fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}
