//! The demo district's invented names and codes.

use crate::DemoAccount;
use minxin_domain::Role;

/// The root: a city.
pub const CITY: (&str, &str) = ("990100", "示例市");

/// Districts under the city; the first is the fully populated demo district.
pub const DISTRICTS: [(&str, &str); 2] = [("990101", "示例区"), ("990102", "样板区")];

/// Streets/townships: (district, code, name, communities/villages).
pub const STREETS: [(&str, &str, &str, &[&str]); 7] = [
    (
        "990101",
        "990101001",
        "东湖街道",
        &["东湖社区", "湖滨社区", "望湖社区", "新华社区"],
    ),
    (
        "990101",
        "990101002",
        "西城街道",
        &["西城社区", "文昌社区", "书院社区"],
    ),
    (
        "990101",
        "990101003",
        "南山街道",
        &["南山社区", "翠竹社区", "枫林社区", "松涛社区"],
    ),
    (
        "990101",
        "990101004",
        "北苑街道",
        &["北苑社区", "和平社区", "幸福里社区"],
    ),
    (
        "990101",
        "990101100",
        "青石镇",
        &["青石村", "上河村", "下河村", "石桥村", "青石社区"],
    ),
    (
        "990101",
        "990101200",
        "桃源乡",
        &["桃源村", "杏花村", "柳溪村"],
    ),
    ("990102", "990102001", "样板街道", &["样板社区", "新城社区"]),
];

/// Departments: (code, name, region code, office phone).
pub const DEPARTMENTS: [(&str, &str, &str, &str); 16] = [
    ("MSZX", "示例区民生工程管理中心", "990101", "0999-8100001"),
    ("FGJ", "示例区发展和改革局", "990101", "0999-8100002"),
    ("CZJ", "示例区财政局", "990101", "0999-8100003"),
    ("ZJJ", "示例区住房和城乡建设局", "990101", "0999-8100004"),
    ("JYJ", "示例区教育局", "990101", "0999-8100005"),
    ("WJJ", "示例区卫生健康局", "990101", "0999-8100006"),
    ("MZJ", "示例区民政局", "990101", "0999-8100007"),
    (
        "STHJ",
        "示例市生态环境局示例区分局",
        "990101",
        "0999-8100008",
    ),
    ("JTJ", "示例区交通运输局", "990101", "0999-8100009"),
    ("SWJ", "示例区水务局", "990101", "0999-8100010"),
    (
        "CGJ",
        "示例区城市管理和综合执法局",
        "990101",
        "0999-8100011",
    ),
    ("NYJ", "示例区农业农村局", "990101", "0999-8100012"),
    (
        "RSJ",
        "示例区人力资源和社会保障局",
        "990101",
        "0999-8100013",
    ),
    ("WLJ", "示例区文化广电旅游体育局", "990101", "0999-8100014"),
    ("DHJD", "东湖街道办事处", "990101001", "0999-8200001"),
    ("YB-ZJJ", "样板区住房和城乡建设局", "990102", "0999-8300004"),
];

const fn account(
    username: &'static str,
    display_name: &'static str,
    role: Role,
    department: Option<&'static str>,
    region: &'static str,
    scope: &'static str,
    own_department_only: bool,
) -> DemoAccount {
    DemoAccount {
        username,
        display_name,
        role,
        department,
        region,
        scope,
        own_department_only,
    }
}

/// One account per role, plus department staff for the main departments.
pub const DEMO_ACCOUNTS: [DemoAccount; 17] = [
    account(
        "sysadmin",
        "周系统",
        Role::Sysadmin,
        None,
        "990100",
        "990100",
        false,
    ),
    account(
        "secadmin",
        "吴安全",
        Role::Secadmin,
        None,
        "990100",
        "990100",
        false,
    ),
    account(
        "auditor",
        "郑审计",
        Role::Auditor,
        None,
        "990100",
        "990100",
        false,
    ),
    account(
        "leader",
        "王区长",
        Role::Leader,
        None,
        "990101",
        "990101",
        false,
    ),
    account(
        "office",
        "李主任",
        Role::Office,
        Some("MSZX"),
        "990101",
        "990101",
        false,
    ),
    account(
        "finance",
        "赵会计",
        Role::Finance,
        Some("CZJ"),
        "990101",
        "990101",
        false,
    ),
    account(
        "dept",
        "张建设",
        Role::Dept,
        Some("ZJJ"),
        "990101",
        "990101",
        true,
    ),
    account(
        "manager",
        "刘工",
        Role::Manager,
        Some("ZJJ"),
        "990101",
        "990101",
        true,
    ),
    account(
        "supervisor",
        "陈代表",
        Role::Supervisor,
        None,
        "990101",
        "990101",
        false,
    ),
    account(
        "evaluator",
        "孙评估",
        Role::Evaluator,
        None,
        "990101",
        "990101",
        false,
    ),
    account(
        "grid",
        "何网格",
        Role::Grid,
        Some("DHJD"),
        "990101001",
        "990101001",
        false,
    ),
    account(
        "dept_jyj",
        "林教育",
        Role::Dept,
        Some("JYJ"),
        "990101",
        "990101",
        true,
    ),
    account(
        "dept_wjj",
        "黄卫健",
        Role::Dept,
        Some("WJJ"),
        "990101",
        "990101",
        true,
    ),
    account(
        "dept_mzj",
        "马民政",
        Role::Dept,
        Some("MZJ"),
        "990101",
        "990101",
        true,
    ),
    account(
        "dept_swj",
        "高水务",
        Role::Dept,
        Some("SWJ"),
        "990101",
        "990101",
        true,
    ),
    account(
        "dept_jtj",
        "罗交通",
        Role::Dept,
        Some("JTJ"),
        "990101",
        "990101",
        true,
    ),
    account(
        "dept_yb",
        "宋样板",
        Role::Dept,
        Some("YB-ZJJ"),
        "990102",
        "990102",
        true,
    ),
];
