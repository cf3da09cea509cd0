//! The import template's columns: their order, headers, message keys and letters, which must be
//! filled, and how long their texts may be. The template is part of the file format, so this is
//! the one place that names it.

use crate::projects::project::FundingSource;
use serde::{Deserialize, Serialize};

/// A column of the import template, in template order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// 项目编号: empty to generate one.
    Code,
    /// 项目名称.
    Name,
    /// 项目类别: a subcategory of the dictionary.
    Category,
    /// 年度.
    Year,
    /// 所属街道/社区.
    Region,
    /// 牵头单位.
    Lead,
    /// 配合单位: any number, separated by 、 , ; or new lines.
    Partners,
    /// 责任人.
    Owner,
    /// 联系电话.
    Phone,
    /// 地址.
    Address,
    /// 经度.
    Longitude,
    /// 纬度.
    Latitude,
    /// 计划开工.
    PlannedStart,
    /// 计划完工.
    PlannedEnd,
    /// 中央资金(元).
    Central,
    /// 省级资金(元).
    Provincial,
    /// 市级资金(元).
    Municipal,
    /// 县级资金(元).
    County,
    /// 社会资本(元).
    Social,
    /// 群众自筹(元).
    Residents,
    /// 受益人数.
    Beneficiaries,
    /// 建设内容.
    Description,
    /// 绩效目标.
    Goals,
    /// 是否公开.
    Public,
    /// 公开联系电话: the office line the public sees instead of the owner's masked phone.
    PublicPhone,
}

impl Column {
    /// Every column in template order.
    pub const ALL: [Column; 25] = [
        Column::Code,
        Column::Name,
        Column::Category,
        Column::Year,
        Column::Region,
        Column::Lead,
        Column::Partners,
        Column::Owner,
        Column::Phone,
        Column::Address,
        Column::Longitude,
        Column::Latitude,
        Column::PlannedStart,
        Column::PlannedEnd,
        Column::Central,
        Column::Provincial,
        Column::Municipal,
        Column::County,
        Column::Social,
        Column::Residents,
        Column::Beneficiaries,
        Column::Description,
        Column::Goals,
        Column::Public,
        Column::PublicPhone,
    ];

    /// The header as the template writes it (always Chinese: it is part of the file format).
    pub fn header(self) -> &'static str {
        match self {
            Column::Code => "项目编号",
            Column::Name => "项目名称",
            Column::Category => "项目类别",
            Column::Year => "年度",
            Column::Region => "所属街道/社区",
            Column::Lead => "牵头单位",
            Column::Partners => "配合单位",
            Column::Owner => "责任人",
            Column::Phone => "联系电话",
            Column::Address => "地址",
            Column::Longitude => "经度",
            Column::Latitude => "纬度",
            Column::PlannedStart => "计划开工",
            Column::PlannedEnd => "计划完工",
            Column::Central => "中央资金(元)",
            Column::Provincial => "省级资金(元)",
            Column::Municipal => "市级资金(元)",
            Column::County => "县级资金(元)",
            Column::Social => "社会资本(元)",
            Column::Residents => "群众自筹(元)",
            Column::Beneficiaries => "受益人数",
            Column::Description => "建设内容",
            Column::Goals => "绩效目标",
            Column::Public => "是否公开",
            Column::PublicPhone => "公开联系电话",
        }
    }

    /// A stable code, used for message keys (`code`, `planned_start`, …).
    pub fn key(self) -> &'static str {
        match self {
            Column::Code => "code",
            Column::Name => "name",
            Column::Category => "category",
            Column::Year => "year",
            Column::Region => "region",
            Column::Lead => "lead",
            Column::Partners => "partners",
            Column::Owner => "owner",
            Column::Phone => "phone",
            Column::Address => "address",
            Column::Longitude => "longitude",
            Column::Latitude => "latitude",
            Column::PlannedStart => "planned_start",
            Column::PlannedEnd => "planned_end",
            Column::Central => "central",
            Column::Provincial => "provincial",
            Column::Municipal => "municipal",
            Column::County => "county",
            Column::Social => "social",
            Column::Residents => "residents",
            Column::Beneficiaries => "beneficiaries",
            Column::Description => "description",
            Column::Goals => "goals",
            Column::Public => "public",
            Column::PublicPhone => "public_phone",
        }
    }

    /// The position from 0 (column A).
    pub fn index(self) -> usize {
        Column::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// The column letter as Excel shows it (A, B, … X).
    pub fn letter(self) -> String {
        column_letter(self.index())
    }

    /// Whether a row must fill this column.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Name
                | Column::Category
                | Column::Year
                | Column::Region
                | Column::Lead
                | Column::Owner
                | Column::Phone
        )
    }

    /// Whether a file may lack this column: 公开联系电话 came after the first template, and
    /// sheets filled in from that template still import, as if the column were empty.
    pub fn may_be_absent(self) -> bool {
        matches!(self, Column::PublicPhone)
    }

    /// The funding source of a money column.
    pub fn funding_source(self) -> Option<FundingSource> {
        Some(match self {
            Column::Central => FundingSource::Central,
            Column::Provincial => FundingSource::Provincial,
            Column::Municipal => FundingSource::Municipal,
            Column::County => FundingSource::County,
            Column::Social => FundingSource::SocialCapital,
            Column::Residents => FundingSource::Residents,
            _ => return None,
        })
    }

    /// The column holding a storage field (as named in `ProjectInput` and its problems).
    pub fn for_field(field: &str) -> Option<Column> {
        Some(match field {
            "code" => Column::Code,
            "name" => Column::Name,
            "category_id" => Column::Category,
            "year" => Column::Year,
            "region_id" => Column::Region,
            "lead_department_id" => Column::Lead,
            "partner_department_ids" => Column::Partners,
            "owner_name" => Column::Owner,
            "owner_phone" => Column::Phone,
            "address" => Column::Address,
            "longitude" => Column::Longitude,
            "latitude" => Column::Latitude,
            "planned_start" => Column::PlannedStart,
            "planned_end" => Column::PlannedEnd,
            "beneficiaries" => Column::Beneficiaries,
            "description" => Column::Description,
            "goals" => Column::Goals,
            "is_public" => Column::Public,
            "public_phone" => Column::PublicPhone,
            _ => return None,
        })
    }
}

/// The Excel letter of the column at `index` from 0: A … Z, AA, AB, ….
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The longest texts accepted, in characters (the same limits the project form has).
pub mod limits {
    /// 项目名称.
    pub const NAME: usize = 100;
    /// 责任人.
    pub const OWNER: usize = 50;
    /// 联系电话.
    pub const PHONE: usize = crate::kernel::phone::MAX_CHARS;
    /// 地址.
    pub const ADDRESS: usize = 200;
    /// 建设内容.
    pub const DESCRIPTION: usize = 4000;
    /// 绩效目标.
    pub const GOALS: usize = 2000;
    /// 受益人数.
    pub const BENEFICIARIES: i64 = 100_000_000;
}
