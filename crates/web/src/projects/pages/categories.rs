//! `/projects/categories`: the category dictionary (项目类别), which everyone who reads projects
//! may see and the project office (管理中心) may extend with a subcategory or a new category.

use super::project_notice;
use crate::kernel::chrome::Chrome;
use crate::kernel::edit::{self, Typed};
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::page::{NoticeQuery, html};
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Choice, Input, Params, optional_id, parsed, scoped};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use minxin_domain::Permission;
use minxin_storage::StoreError;
use minxin_storage::org::{Category, CategoryInput};
use serde::Deserialize;

/// The new-category form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CategoryForm {
    name: String,
    code: String,
    parent_id: String,
}

impl Typed for CategoryForm {
    type Input = CategoryInput;

    fn input(&self) -> Result<CategoryInput, StoreError> {
        let mut p = Vec::new();
        let parent_id = optional_id("parent_id", &self.parent_id, &mut p);
        parsed(
            CategoryInput {
                name: self.name.clone(),
                code: self.code.clone(),
                parent_id,
                region_id: None,
            },
            p,
        )
    }
}

/// A category as a row of the dictionary.
pub struct CategoryRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// Whether it is a subcategory.
    pub sub: bool,
}

#[derive(Template)]
#[template(path = "project_categories.html")]
struct CategoriesPage {
    c: Chrome,
    errors: FormErrors,
    rows: Vec<CategoryRow>,
    form: CategoryForm,
    parents: Vec<Choice>,
    manage: bool,
}

async fn categories_page(
    state: &AppState,
    s: &Signed,
    form: CategoryForm,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> Result<Response, Failure> {
    let categories: Vec<Category> = scoped(state, s).org().categories().await?;
    html(&CategoriesPage {
        c: Chrome::signed(state, s, "/projects/categories").with_notice(notice),
        errors,
        rows: categories
            .iter()
            .map(|c| CategoryRow {
                id: c.id,
                name: c.name.clone(),
                code: c.code.clone(),
                sub: c.parent_id.is_some(),
            })
            .collect(),
        parents: categories
            .iter()
            .filter(|c| c.parent_id.is_none())
            .map(|c| Choice::new(c.id, c.name.clone(), &form.parent_id))
            .collect(),
        form,
        manage: s.session.actor.may(Permission::ManageDictionary),
    })
}

/// GET /projects/categories
pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Params(q): Params<NoticeQuery>,
) -> Result<Response, Failure> {
    categories_page(
        &state,
        &s,
        CategoryForm::default(),
        FormErrors::default(),
        project_notice(q.notice.as_deref()),
    )
    .await
}

/// POST /projects/categories
pub async fn create(
    State(state): State<AppState>,
    s: Signed,
    Input(form): Input<CategoryForm>,
) -> Result<Response, Failure> {
    edit::create(
        s.client.lang,
        form,
        "/projects/categories?notice=category",
        async |input| scoped(&state, &s).org().create_category(input).await,
        async |form, errors| categories_page(&state, &s, form, errors, None).await,
    )
    .await
}
