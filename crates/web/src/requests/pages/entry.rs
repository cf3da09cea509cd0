//! The form at `/requests/new` on which staff — a grid worker above all — enter a request for a
//! resident who called, came to the counter or was visited. The fields are the residents' own
//! (one template), plus how it came in; the request records that channel and who entered it.
//! The receipt code is shown once, for the staff member to give the resident.

use crate::control::pages::progress::photos::read_upload;
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::observability::metrics::{IntakeChannel, intake};
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::tiles::TileSource;
use crate::kernel::widgets::{permit, scoped};
use crate::requests::pages::residents::{
    Choice, FIELDS, RequestForm, action, category_choices, checked_photos,
};
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::Response;
use minxin_domain::kernel::time::format_local;
use minxin_domain::requests::intake::{Channel, MAX_PHOTOS, TEXT_MAX};
use minxin_domain::{Permission, Problem};
use minxin_storage::StoreError;

#[derive(Template)]
#[template(path = "request_entry.html")]
struct EntryPage {
    c: Chrome,
    action: String,
    channels: Vec<(&'static str, &'static str)>,
    channel: String,
    categories: Vec<Choice>,
    form: RequestForm,
    errors: FormErrors,
    text_max: usize,
    max_photos: usize,
    tiles: TileSource,
}

#[derive(Template)]
#[template(path = "request_entered.html")]
struct EnteredPage {
    c: Chrome,
    id: i64,
    code: String,
    accept_by: String,
    answer_by: String,
}

async fn entry_page(
    state: &AppState,
    s: &Signed,
    channel: String,
    form: RequestForm,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let c = Chrome::signed(state, s, "/requests");
    let page = EntryPage {
        action: action(&c, "/requests/new"),
        c,
        channels: Channel::STAFF
            .iter()
            .map(|ch| {
                let label = s
                    .client
                    .lang
                    .t(&format!("request_work.channel.{}", ch.code()));
                (ch.code(), label)
            })
            .collect(),
        channel,
        categories: category_choices(state, &s.client.address, s.client.lang).await?,
        form,
        errors,
        text_max: TEXT_MAX,
        max_photos: MAX_PHOTOS,
        tiles: state.config.tiles.clone(),
    };
    html(&page)
}

/// GET `/requests/new`
pub async fn form(State(state): State<AppState>, s: Signed) -> Result<Response, Failure> {
    permit(&s, Permission::EnterRequests)?;
    let channel = Channel::Phone.code().to_owned();
    entry_page(
        &state,
        &s,
        channel,
        RequestForm::default(),
        FormErrors::default(),
    )
    .await
}

/// POST `/requests/new` (multipart, with photos)
pub async fn submit(
    State(state): State<AppState>,
    s: Signed,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failure> {
    let mut fields = FIELDS.to_vec();
    fields.push("channel");
    let upload = read_upload(multipart, &fields, MAX_PHOTOS + 1).await?;
    let form = RequestForm::from_upload(&upload);
    let channel_code = upload.field("channel");
    let photos = match checked_photos(&state, s.client.lang, upload).await? {
        Ok(photos) => photos,
        Err(errors) => {
            intake(IntakeChannel::Staff, false);
            return entry_page(&state, &s, channel_code, form, errors).await;
        }
    };
    let entered = match Channel::STAFF
        .into_iter()
        .find(|c| c.code() == channel_code)
    {
        Some(channel) => {
            scoped(&state, &s)
                .requests()
                .enter(
                    &form.submission(channel),
                    &photos,
                    state.blobs.as_ref(),
                    &state.calendar.current(),
                    state.clock.now(),
                )
                .await
        }
        None => Err(StoreError::invalid("channel", Problem::Required)),
    };
    intake(IntakeChannel::Staff, entered.is_ok());
    match entered {
        Ok(receipt) => html(&EnteredPage {
            c: Chrome::signed(&state, &s, "/requests"),
            id: receipt.id,
            code: receipt.code.to_string(),
            accept_by: format_local(receipt.deadlines.accept_by),
            answer_by: format_local(receipt.deadlines.answer_by),
        }),
        Err(e) => {
            let errors = FormErrors::from_store(s.client.lang, e)?;
            entry_page(&state, &s, channel_code, form, errors).await
        }
    }
}
