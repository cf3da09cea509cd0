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
use crate::kernel::staff::Staff;
use crate::kernel::tiles::TileSource;
use crate::requests::pages::residents::{
    Choice, FIELDS, RequestForm, action, category_choices, checked_photos,
};
use askama::Template;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::response::Response;
use minxin_domain::Permission;
use minxin_domain::kernel::time::format_local;
use minxin_domain::requests::intake::{Channel, MAX_PHOTOS};
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
    staff: &Staff,
    channel: String,
    form: RequestForm,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let c = staff.chrome("/requests");
    let page = EntryPage {
        action: action(&c, "/requests/new"),
        c,
        channels: Channel::STAFF
            .iter()
            .map(|ch| {
                let label = staff
                    .lang()
                    .t(&format!("request_work.channel.{}", ch.code()));
                (ch.code(), label)
            })
            .collect(),
        channel,
        categories: category_choices(&staff.state, &staff.signed.client.address, staff.lang())
            .await?,
        form,
        errors,
        tiles: staff.state.config.tiles.clone(),
    };
    html(&page)
}

/// GET `/requests/new`
pub async fn form(staff: Staff) -> Result<Response, Failure> {
    staff.permit(Permission::EnterRequests)?;
    let channel = Channel::Phone.code().to_owned();
    entry_page(
        &staff,
        channel,
        RequestForm::default(),
        FormErrors::default(),
    )
    .await
}

/// POST `/requests/new` (multipart, with photos)
pub async fn submit(
    staff: Staff,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failure> {
    let mut fields = FIELDS.to_vec();
    fields.push("channel");
    let upload = read_upload(multipart, &fields, MAX_PHOTOS + 1).await?;
    let form = RequestForm::from_upload(&upload);
    let channel_code = upload.field("channel");
    let photos = match checked_photos(&staff.state, staff.lang(), upload).await? {
        Ok(photos) => photos,
        Err(errors) => {
            intake(IntakeChannel::Staff, false);
            return entry_page(&staff, channel_code, form, errors).await;
        }
    };
    let entered = match form.staff_submission(&channel_code, photos.len()) {
        Ok(submission) => {
            let calendar = staff.state.calendar.current();
            let now = staff.state.clock.now();
            let blobs = staff.state.blobs.as_ref();
            let store = staff.store();
            store
                .requests()
                .enter(&submission, &photos, blobs, &calendar, now)
                .await
        }
        Err(problems) => Err(StoreError::Invalid(problems)),
    };
    intake(IntakeChannel::Staff, entered.is_ok());
    match entered {
        Ok(receipt) => html(&EnteredPage {
            c: staff.chrome("/requests"),
            id: receipt.id,
            code: receipt.code.to_string(),
            accept_by: format_local(receipt.deadlines.accept_by),
            answer_by: format_local(receipt.deadlines.answer_by),
        }),
        Err(e) => {
            let errors = FormErrors::from_store(staff.lang(), e)?;
            entry_page(&staff, channel_code, form, errors).await
        }
    }
}
