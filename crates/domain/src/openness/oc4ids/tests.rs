use super::*;
use chrono::TimeZone;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn publication() -> Publication {
    Publication {
        base_url: "https://mx.example.gov.cn".into(),
        publisher: "示例区民生工程管理中心".into(),
        id_prefix: DEFAULT_ID_PREFIX.into(),
    }
}

fn canteen() -> ProjectFacts {
    ProjectFacts {
        code: "2026-MX-0042".into(),
        name: "幸福社区老年食堂".into(),
        description: "新建老年食堂一处".into(),
        goals: String::new(),
        category_code: "public_service.elderly".into(),
        stage: Stage::Construction,
        hold: Hold::Active,
        region_name: "示例街道".into(),
        address: "幸福路 1 号".into(),
        latitude: Some(30.25),
        longitude: Some(120.16),
        lead: Unit {
            id: 3,
            name: "示例区民政局".into(),
        },
        partners: vec![Unit {
            id: 4,
            name: "示例区住建局".into(),
        }],
        owner_name: "王建国".into(),
        planned_start: Some(day(2026, 3, 1)),
        planned_end: Some(day(2026, 12, 31)),
        actual_start: Some(day(2026, 3, 5)),
        actual_end: None,
        budget: vec![
            (FundingSource::County, Fen(100_000_000)),
            (FundingSource::Provincial, Fen(12_345)),
        ],
        money: vec![
            MoneyFact {
                id: 1,
                kind: MoneyKind::Approval,
                source: FundingSource::County,
                amount: Fen(100_000_000),
                contract_id: None,
                occurred_on: day(2026, 2, 1),
            },
            MoneyFact {
                id: 2,
                kind: MoneyKind::Disbursement,
                source: FundingSource::County,
                amount: Fen(30_000_001),
                contract_id: None,
                occurred_on: day(2026, 3, 1),
            },
            MoneyFact {
                id: 3,
                kind: MoneyKind::Payment,
                source: FundingSource::County,
                amount: Fen(-5),
                contract_id: Some(9),
                occurred_on: day(2026, 4, 1),
            },
        ],
        contracts: vec![ContractFact {
            id: 9,
            method: Some(ProcurementMethod::OpenTender),
            contractor: "示例建设有限公司".into(),
            credit_code: "91330100MA2H000000".into(),
            amount: Fen(80_000_000),
            starts_on: day(2026, 3, 1),
            ends_on: day(2026, 11, 30),
        }],
        milestones: vec![MilestoneFact {
            id: 7,
            name: "主体施工".into(),
            planned: day(2026, 6, 30),
            actual: None,
        }],
        updated: Utc.with_ymd_and_hms(2026, 5, 1, 16, 30, 0).unwrap(),
    }
}

#[test]
fn money_is_written_as_exact_yuan() {
    let json = serde_json::to_string(&project(&canteen(), &publication())).unwrap();
    assert!(
        json.contains(r#""amount":{"amount":1000123.45,"currency":"CNY"}"#),
        "{json}"
    );
    assert!(
        json.contains(r#"{"amount":300000.01,"currency":"CNY"}"#),
        "{json}"
    );
    assert!(
        json.contains(r#"{"amount":-0.05,"currency":"CNY"}"#),
        "{json}"
    );
    let value = serde_json::to_value(Value::cny(Fen(123))).unwrap();
    assert_eq!(value["amount"], serde_json::json!(1.23));
}

#[test]
fn a_project_maps_to_oc4ids() {
    let p = serde_json::to_value(project(&canteen(), &publication())).unwrap();
    assert_eq!(p["id"], "oc4ids-minxin-2026-MX-0042");
    assert_eq!(p["status"], "implementation");
    assert_eq!(p["sector"], serde_json::json!(["health"]));
    assert!(p.get("type").is_none());
    assert!(p.get("purpose").is_none(), "empty texts are left out");
    assert_eq!(p["updated"], "2026-05-02T00:30:00+08:00");
    let mut noisy = canteen();
    noisy.latitude = Some(30.589000000000002);
    noisy.longitude = Some(-0.5);
    let text = serde_json::to_string(&project(&noisy, &publication())).unwrap();
    assert!(text.contains(r#""coordinates":[-0.5,30.589]"#), "{text}");
    assert_eq!(p["period"]["startDate"], "2026-03-01T00:00:00+08:00");
    assert_eq!(
        p["locations"][0]["geometry"]["coordinates"],
        serde_json::json!([120.16, 30.25])
    );
    assert_eq!(p["publicAuthority"]["id"], "unit-3");
    let roles: Vec<_> = p["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].as_str().unwrap(), o["roles"][0].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            ("unit-3", "publicAuthority"),
            ("unit-4", "interestedParty"),
            ("contractor-91330100MA2H000000", "supplier"),
            ("funder-provincial", "funder"),
            ("funder-county", "funder"),
        ]
    );
    assert_eq!(
        p["parties"][0]["contactPoint"],
        serde_json::json!({"name": "王建国"})
    );
    let tx = p["transactions"].as_array().unwrap();
    assert_eq!(tx.len(), 2, "approvals stay in the budget");
    assert_eq!(tx[0]["payer"]["id"], "funder-county");
    assert_eq!(tx[1]["payee"]["id"], "contractor-91330100MA2H000000");
    let cp = &p["contractingProcesses"][0]["summary"];
    assert_eq!(cp["tender"]["procurementMethod"], "open");
    assert_eq!(cp["status"], "active");
    assert_eq!(p["milestones"][0]["status"], "scheduled");
    let lines = &p["budget"]["budgetBreakdowns"][0]["budgetBreakdown"];
    assert_eq!(lines[0]["id"], "provincial");
    assert_eq!(lines[1]["amount"]["amount"], serde_json::json!(1000000.0));
}

#[test]
fn cancelled_projects_without_coordinates_or_money_still_map() {
    let mut p = canteen();
    p.hold = Hold::Cancelled;
    p.latitude = None;
    p.budget.clear();
    p.money.clear();
    p.contracts.clear();
    let json = serde_json::to_value(project(&p, &publication())).unwrap();
    assert_eq!(json["status"], "cancelled");
    assert!(json["locations"][0].get("geometry").is_none());
    assert!(json["budget"].get("budgetBreakdowns").is_none());
    assert!(json.get("transactions").is_none());
    assert!(json.get("contractingProcesses").is_none());
}

#[test]
fn a_streamed_package_equals_the_package() {
    let facts = [canteen()];
    let whole =
        serde_json::to_value(package(&facts, publication().package_uri(), &publication())).unwrap();
    let one = serde_json::to_string(&project(&facts[0], &publication())).unwrap();
    let streamed = format!(
        "{}{one}{}",
        stream_open(&publication()),
        stream_close(Some(facts[0].updated))
    );
    let streamed: serde_json::Value = serde_json::from_str(&streamed).unwrap();
    assert_eq!(streamed, whole);
    assert_eq!(whole["version"], "0.9");
    assert_eq!(
        whole["uri"],
        "https://mx.example.gov.cn/open-data/oc4ids.json"
    );
}
