//! Signboards (公示牌) and QR codes of public projects: a project's QR code as SVG and PNG, its
//! printable signboard page (A4 or A3), and, for the office, the annual plan's signboards listed
//! and downloaded as one ZIP archive. Who may read which project is decided by storage; which
//! projects may have a signboard by [`minxin_domain::openness::signboard`].

mod bulk;
mod document;
mod qr;
mod view;

use crate::kernel::chrome::Chrome;
use crate::kernel::disposition::download;
use crate::kernel::error::Failure;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Id, Params, scoped};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use minxin_domain::openness::signboard::{NotPrintable, SheetSize};
use serde::Deserialize;
use view::{Signboard, signboard};

/// Routes of the signboard pages and downloads.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/qr.svg", get(qr_svg))
        .route("/projects/{id}/qr.png", get(qr_png))
        .route("/projects/{id}/signboard", get(show))
        .route("/signboards", get(bulk::index))
        .route("/signboards.zip", get(bulk::archive))
}

/// The `?size=` of a signboard.
#[derive(Deserialize, Default)]
pub struct SizeQuery {
    /// `a4` (default) or `a3`.
    pub size: Option<String>,
}

/// The sheet size asked for; an unknown one is a 400 page.
fn sheet_size(raw: Option<&str>) -> Result<SheetSize, Failure> {
    SheetSize::parse(raw).ok_or_else(|| Failure::new(StatusCode::BAD_REQUEST, "signboard_size"))
}

/// The failure code (and `error.` message key) of why a project may have no signboard.
fn refusal_code(why: NotPrintable) -> &'static str {
    match why {
        NotPrintable::NotPublic => "signboard_not_public",
        NotPrintable::NotApproved => "signboard_not_approved",
    }
}

/// The refusal of a download for a project that may have no signboard.
fn refused(why: NotPrintable) -> Failure {
    Failure::new(StatusCode::CONFLICT, refusal_code(why))
}

/// The signboard of visible project `id`, or why it may have none.
async fn board_of(
    state: &AppState,
    s: &Signed,
    id: i64,
) -> Result<Result<Signboard, NotPrintable>, Failure> {
    let source = scoped(state, s).projects().signboard_source(id).await?;
    signboard(s.client.lang, &state.config.public_base_url, &source)
}

/// A project code as the stem of a file name: letters, digits, `-` and `_` as they are, anything
/// else (which a code should never hold) as `_`, so no name can reach outside an archive.
fn file_stem(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A signboard file named `file_name`, which the browser revalidates before reuse.
fn board_file(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = download(bytes, content_type, file_name, file_name);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}

/// GET /projects/{id}/qr.svg
async fn qr_svg(State(state): State<AppState>, s: Signed, Id(id): Id) -> Result<Response, Failure> {
    let board = board_of(&state, &s, id).await?.map_err(refused)?;
    Ok(board_file(
        board.qr.svg().into_bytes(),
        "image/svg+xml",
        &format!("{}-qr.svg", file_stem(&board.code)),
    ))
}

/// GET /projects/{id}/qr.png
async fn qr_png(State(state): State<AppState>, s: Signed, Id(id): Id) -> Result<Response, Failure> {
    let board = board_of(&state, &s, id).await?.map_err(refused)?;
    Ok(board_file(
        board.qr.png()?,
        "image/png",
        &format!("{}-qr.png", file_stem(&board.code)),
    ))
}

#[derive(Template)]
#[template(path = "signboard.html")]
struct SignboardPage {
    c: Chrome,
    id: i64,
    size: &'static str,
    board: Option<Signboard>,
    refusal: Option<&'static str>,
}

/// GET /projects/{id}/signboard?size=a4|a3: the printable signboard, or the reason there is none.
async fn show(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Params(q): Params<SizeQuery>,
) -> Result<Response, Failure> {
    let size = sheet_size(q.size.as_deref())?;
    let lang = s.client.lang;
    let (board, refusal) = match board_of(&state, &s, id).await? {
        Ok(board) => (Some(board), None),
        Err(why) => (None, Some(lang.t(&format!("error.{}", refusal_code(why))))),
    };
    html(&SignboardPage {
        c: Chrome::signed(&state, &s, &format!("/projects/{id}/signboard")),
        id,
        size: size.code(),
        board,
        refusal,
    })
}
