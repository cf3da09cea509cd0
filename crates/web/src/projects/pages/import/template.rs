//! The annual-plan import template: the data sheet with its columns' formats and notes, and
//! the dictionary sheet behind its drop-downs.

use super::messages::column_label;
use super::permit_import;
use crate::kernel::download::{
    DATE_FORMAT, MONEY_FORMAT, TEXT_FORMAT, header_format, xlsx_failure, xlsx_response,
};
use crate::kernel::error::Failure;
use crate::kernel::i18n::Lang;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::scoped;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minxin_domain::projects::import::workbook::DATA_SHEET;
use minxin_domain::projects::import::{Column, Dictionary, DictionaryEntry, MAX_ROWS};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, Formula, Note, Workbook, Worksheet,
    XlsxError,
};

/// The dictionary sheet's name.
const DICTIONARY_SHEET: &str = "字典";

/// Rows of the data sheet that carry drop-downs and formats.
const TEMPLATE_ROWS: u32 = MAX_ROWS as u32;

/// One list of the dictionary sheet, with a drop-down on `column` (if any).
struct DictionaryList<'a> {
    header: &'static str,
    values: Vec<&'a str>,
    column: Option<Column>,
}

fn labels(entries: &[DictionaryEntry], only: impl Fn(&DictionaryEntry) -> bool) -> Vec<&str> {
    entries
        .iter()
        .filter(|e| only(e))
        .map(|e| e.label.as_str())
        .collect()
}

fn write_dictionary(
    sheet: &mut Worksheet,
    lists: &[DictionaryList<'_>],
    head: &Format,
) -> Result<(), XlsxError> {
    for (col, list) in lists.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, list.header, head)?;
        sheet.set_column_width(col, 28.0)?;
        for (i, value) in list.values.iter().enumerate() {
            sheet.write_string(i as u32 + 1, col, *value)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The import template for `dictionary`: the data sheet with the template's headers (a note on
/// each), typed column formats and drop-downs; the dictionary sheet the drop-downs refer to; and
/// a sheet of instructions in `lang`.
pub fn template_workbook(lang: Lang, dictionary: &Dictionary) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let head = header_format();
    let required_head = header_format().set_font_color(Color::RGB(0xC00000));
    let text = Format::new().set_num_format(TEXT_FORMAT);
    let money = Format::new().set_num_format(MONEY_FORMAT);
    let date = Format::new().set_num_format(DATE_FORMAT);
    let yes_no = ["是", "否"];
    let lists = [
        DictionaryList {
            header: Column::Category.header(),
            values: labels(&dictionary.categories, |_| true),
            column: Some(Column::Category),
        },
        DictionaryList {
            header: Column::Region.header(),
            values: labels(&dictionary.regions, |_| true),
            column: Some(Column::Region),
        },
        DictionaryList {
            header: Column::Lead.header(),
            values: labels(&dictionary.departments, |d| d.may_lead),
            column: Some(Column::Lead),
        },
        DictionaryList {
            header: Column::Partners.header(),
            values: labels(&dictionary.departments, |_| true),
            column: None,
        },
        DictionaryList {
            header: Column::Public.header(),
            values: yes_no.to_vec(),
            column: Some(Column::Public),
        },
    ];

    let sheet = book.add_worksheet();
    sheet.set_name(DATA_SHEET)?;
    for column in Column::ALL {
        let col = column.index() as u16;
        let format = if column.required() {
            &required_head
        } else {
            &head
        };
        sheet.write_string_with_format(0, col, column.header(), format)?;
        let help = lang.t(&format!("import.help.{}", column.key()));
        let required = if column.required() {
            lang.t("import.help_required")
        } else {
            lang.t("import.help_optional")
        };
        sheet.insert_note(
            0,
            col,
            &Note::new(format!("{required}\n{help}"))
                .set_author("Minxin")
                .set_width(260),
        )?;
        let width = match column {
            Column::Name | Column::Description | Column::Goals | Column::Address => 30.0,
            Column::Category | Column::Region | Column::Lead | Column::Partners => 22.0,
            Column::Code | Column::Phone | Column::PublicPhone => 16.0,
            Column::Year | Column::Public => 9.0,
            _ => 14.0,
        };
        sheet.set_column_width(col, width)?;
        match column {
            Column::Code | Column::Phone | Column::PublicPhone => {
                sheet.set_column_format(col, &text)?;
            }
            Column::PlannedStart | Column::PlannedEnd => {
                sheet.set_column_format(col, &date)?;
            }
            c if c.funding_source().is_some() => {
                sheet.set_column_format(col, &money)?;
            }
            _ => {}
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, list) in lists.iter().enumerate() {
        let Some(column) = list.column else {
            continue;
        };
        if list.values.is_empty() {
            continue;
        }
        let letter = minxin_domain::projects::import::column_letter(i);
        let range = format!(
            "='{DICTIONARY_SHEET}'!${letter}$2:${letter}${}",
            list.values.len() + 1
        );
        let validation = DataValidation::new()
            .allow_list_formula(Formula::new(range))
            .set_error_style(DataValidationErrorStyle::Stop)
            .set_error_title(lang.t("import.validation_title"))?
            .set_error_message(lang.t("import.validation_message"))?;
        let col = column.index() as u16;
        sheet.add_data_validation(1, col, TEMPLATE_ROWS, col, &validation)?;
    }

    let dict = book.add_worksheet();
    dict.set_name(DICTIONARY_SHEET)?;
    write_dictionary(dict, &lists, &head)?;

    let help = book.add_worksheet();
    help.set_name(lang.t("import.help_sheet"))?;
    let wrap = Format::new().set_text_wrap();
    help.set_column_width(0, 18.0)?;
    help.set_column_width(1, 10.0)?;
    help.set_column_width(2, 80.0)?;
    help.write_string_with_format(0, 0, lang.t("import.help_title"), &Format::new().set_bold())?;
    help.write_string_with_format(1, 0, lang.t("import.help_intro"), &Format::new())?;
    help.write_string_with_format(3, 0, lang.t("import.help_col_column"), &head)?;
    help.write_string_with_format(3, 1, lang.t("import.help_col_required"), &head)?;
    help.write_string_with_format(3, 2, lang.t("import.help_col_how"), &head)?;
    for (i, column) in Column::ALL.iter().enumerate() {
        let r = i as u32 + 4;
        help.write_string(r, 0, column_label(*column))?;
        help.write_string(
            r,
            1,
            if column.required() {
                lang.t("import.help_required")
            } else {
                lang.t("import.help_optional")
            },
        )?;
        help.write_string_with_format(
            r,
            2,
            lang.t(&format!("import.help.{}", column.key())),
            &wrap,
        )?;
    }
    book.save_to_buffer()
}

/// GET /projects/import/template.xlsx: the template with the user's dictionaries.
pub(super) async fn template(
    State(state): State<AppState>,
    s: Signed,
) -> Result<Response, Failure> {
    permit_import(&s)?;
    let lang = s.client.lang;
    let dictionary = scoped(&state, &s).projects().import_dictionary().await?;
    let bytes = tokio::task::spawn_blocking(move || template_workbook(lang, &dictionary))
        .await
        .map_err(|_| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?
        .map_err(xlsx_failure)?;
    Ok(xlsx_response(
        bytes,
        "minxin-import-template.xlsx",
        &format!("{}.xlsx", lang.t("import.template_file")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minxin_domain::projects::import::workbook::{MAX_FILE_BYTES, read_workbook};
    use minxin_domain::projects::import::{Issue, RowIssue, parse};

    #[test]
    fn the_template_reads_back_as_an_empty_import() {
        let dictionary = Dictionary {
            categories: minxin_domain::projects::import::entries(vec![(
                1,
                "a.b".into(),
                "老旧小区改造".into(),
                "基础设施".into(),
                true,
            )]),
            regions: Vec::new(),
            departments: Vec::new(),
        };
        let bytes = template_workbook(Lang::Zh, &dictionary).unwrap();
        let sheet = read_workbook(&bytes, MAX_FILE_BYTES).unwrap();
        let parsed = parse(&sheet, &dictionary);
        assert_eq!(parsed.issues, vec![RowIssue::file(Issue::NoRows)]);
    }
}
