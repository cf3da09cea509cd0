//! Project documents in storage, on SQLite and PostgreSQL: attaching checked content to the
//! content-addressed file store, gate facts that count the attached kinds, who may attach and
//! remove, data scopes, refusals by content, deduplication and the audit trail.

use crate::support::{exported, forbidden, not_found};
use chrono::NaiveDate;
use minxin_domain::Problem;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::projects::lifecycle::GateRule;
use minxin_domain::projects::project::{DocumentKind, FundingSource};
use minxin_storage::kernel::blobs::{BlobStore, key_of};
use minxin_storage::projects::{Project, ProjectInput, TransitionInput};
use minxin_storage::testing::{Fixture, blob_dir, fixture, site_manager, stores};
use minxin_storage::{Store, StoreError};
use std::path::Path;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0 site photo";
const HTML: &[u8] = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>";

fn problems(backend: &str, e: StoreError) -> Vec<(&'static str, Problem)> {
    match e {
        StoreError::Invalid(p) => p.into_iter().map(|f| (f.field, f.problem)).collect(),
        other => panic!("{backend}: expected invalid input, got {other:?}"),
    }
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

async fn project(store: &Store, f: &Fixture, name: &str, manager_id: Option<i64>) -> Project {
    let office = f.actor("office_a").await;
    let s = store.scoped(&office, "t");
    let category_id = s
        .org()
        .categories()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code == "infrastructure.old_housing")
        .unwrap()
        .id;
    s.projects()
        .create(
            &ProjectInput {
                name: name.into(),
                category_id,
                year: 2026,
                region_id: f.street_a.id,
                lead_department_id: f.a_zj,
                owner_name: "李明".into(),
                owner_phone: "13900002222".into(),
                manager_id,
                planned_start: NaiveDate::from_ymd_opt(2026, 4, 1),
                planned_end: NaiveDate::from_ymd_opt(2026, 11, 30),
                budget: [(FundingSource::County, 80_000_000)].into_iter().collect(),
                ..ProjectInput::default()
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap()
}

/// A project manager of 示例区住建局.
async fn manager(store: &Store) -> minxin_domain::Actor {
    site_manager(store).await;
    store.actor_for_cli("site_manager").await.unwrap()
}

fn met(gate: &minxin_storage::projects::GateView, rule: GateRule) -> bool {
    gate.conditions.iter().any(|c| c.rule == rule && c.met)
}

#[tokio::test]
async fn office_attaches_a_pdf_and_the_gate_sees_its_kind() {
    for (b, store) in stores().await {
        let (_dir, blobs) = blob_dir();
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        let p = project(&store, &f, "幸福小区老旧小区改造", None).await;
        let (p, moved) = s
            .projects()
            .transition(
                p.id,
                &TransitionInput {
                    action: "advance".into(),
                    version: p.version,
                    ..TransitionInput::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(p.stage, "reserve", "{b}");
        let gate = s.projects().gate(p.id).await.unwrap();
        assert!(
            !met(&gate, GateRule::Consultation),
            "{b}: nothing attached yet"
        );
        assert!(!met(&gate, GateRule::ApprovalDocument), "{b}");

        let consultation = s
            .projects()
            .attach(
                p.id,
                DocumentKind::Consultation,
                "C:\\文件\\居民征求意见记录.pdf",
                PDF,
                &blobs,
            )
            .await
            .unwrap();
        assert_eq!(consultation.file_name, "居民征求意见记录.pdf", "{b}");
        assert_eq!(consultation.content_type, "application/pdf", "{b}");
        assert_eq!(consultation.size, PDF.len() as i64, "{b}");
        assert_eq!(consultation.sha256, key_of(PDF), "{b}");
        assert_eq!(consultation.uploaded_by, "office_a", "{b}");
        assert_eq!(consultation.kind(), Some(DocumentKind::Consultation));
        assert_eq!(consultation.transition_id, None, "{b}");

        let gate = s.projects().gate(p.id).await.unwrap();
        assert!(met(&gate, GateRule::Consultation), "{b}: the kind counts");
        assert!(!met(&gate, GateRule::ApprovalDocument), "{b}");

        let approval = s
            .projects()
            .attach_to_transition(p.id, moved.id, DocumentKind::Approval, "批复", PDF, &blobs)
            .await
            .unwrap();
        assert_eq!(
            approval.file_name, "批复.pdf",
            "{b}: extension from the content"
        );
        assert_eq!(approval.transition_id, Some(moved.id), "{b}");
        assert!(met(
            &s.projects().gate(p.id).await.unwrap(),
            GateRule::ApprovalDocument
        ));

        let listed = s.projects().attachments(p.id).await.unwrap();
        assert_eq!(listed, vec![consultation.clone(), approval.clone()], "{b}");
        let (got, bytes) = s
            .projects()
            .attachment(p.id, approval.id, &blobs)
            .await
            .unwrap();
        assert_eq!((got, bytes.as_slice()), (approval.clone(), PDF), "{b}");

        let other = project(&store, &f, "另一个项目", None).await;
        assert!(
            matches!(
                s.projects()
                    .attach_to_transition(
                        other.id,
                        moved.id,
                        DocumentKind::Other,
                        "x.pdf",
                        PDF,
                        &blobs
                    )
                    .await,
                Err(StoreError::Invalid(_))
            ),
            "{b}: a transition of another project"
        );
        assert!(
            not_found(s.projects().attachment(other.id, approval.id, &blobs).await),
            "{b}: a document is found only under its own project"
        );

        let entries = exported(&f, AuditAction::AttachmentChange, 100).await;
        assert_eq!(entries.len(), 2, "{b}");
        assert!(entries.iter().all(|e| e.target_label == p.code), "{b}");
        assert!(
            entries
                .iter()
                .any(|e| e.after.as_deref().is_some_and(|a| a.contains(&key_of(PDF)))),
            "{b}: the audit names the content"
        );
    }
}

#[tokio::test]
async fn scopes_and_roles_decide_who_attaches_reads_and_removes() {
    for (b, store) in stores().await {
        let (_dir, blobs) = blob_dir();
        let f = fixture(&store).await;
        let site = manager(&store).await;
        let p = project(&store, &f, "社区老年食堂", Some(site.account_id)).await;
        let office = f.actor("office_a").await;
        let doc = store
            .scoped(&office, "t")
            .projects()
            .attach(p.id, DocumentKind::Contract, "合同.pdf", PDF, &blobs)
            .await
            .unwrap();

        // Another district: the project and its documents do not exist. The leader reads but
        // changes nothing; the project manager adds site photos, nothing else, and removes
        // nothing.
        let (outsider, leader) = (f.actor("dept_b").await, f.actor("leader_a").await);
        let (o, l, m) = (
            store.scoped(&outsider, "t"),
            store.scoped(&leader, "t"),
            store.scoped(&site, "t"),
        );
        let (o, l, m) = (o.projects(), l.projects(), m.projects());
        let photo = m
            .attach(p.id, DocumentKind::Photo, "现场.jpg", JPEG, &blobs)
            .await
            .unwrap();
        assert_eq!(photo.content_type, "image/jpeg", "{b}");
        assert_eq!(l.attachments(p.id).await.unwrap().len(), 2, "{b}");
        assert!(l.attachment(p.id, doc.id, &blobs).await.is_ok(), "{b}");
        let other = DocumentKind::Other;
        let refusals = [
            ("outsider lists", not_found(o.attachments(p.id).await)),
            (
                "outsider reads",
                not_found(o.attachment(p.id, doc.id, &blobs).await),
            ),
            (
                "outsider attaches",
                not_found(o.attach(p.id, other, "x.pdf", PDF, &blobs).await),
            ),
            (
                "outsider removes",
                not_found(o.remove_attachment(p.id, doc.id).await),
            ),
            (
                "leader attaches",
                forbidden(
                    l.attach(p.id, DocumentKind::Photo, "p.jpg", JPEG, &blobs)
                        .await,
                ),
            ),
            (
                "leader removes",
                forbidden(l.remove_attachment(p.id, doc.id).await),
            ),
            (
                "manager attaches a non-photo",
                forbidden(
                    m.attach(p.id, DocumentKind::Acceptance, "验收.pdf", PDF, &blobs)
                        .await,
                ),
            ),
            (
                "manager removes",
                forbidden(m.remove_attachment(p.id, photo.id).await),
            ),
            // Refused before the content is looked at: a forbidden upload stores nothing.
            (
                "leader uploads new content",
                forbidden(
                    l.attach(
                        p.id,
                        DocumentKind::Photo,
                        "other.pdf",
                        b"%PDF-2.0 other",
                        &blobs,
                    )
                    .await,
                ),
            ),
        ];
        for (case, refused) in refusals {
            assert!(refused, "{b}: {case}");
        }
        assert!(
            !blobs.exists(&key_of(b"%PDF-2.0 other")).await.unwrap(),
            "{b}"
        );

        // The office removes; the gate no longer counts the kind, the content stays stored.
        let s = store.scoped(&office, "t");
        let removed = s.projects().remove_attachment(p.id, doc.id).await.unwrap();
        assert_eq!(removed, doc, "{b}");
        assert_eq!(
            s.projects().attachments(p.id).await.unwrap(),
            vec![photo],
            "{b}"
        );
        assert!(
            not_found(s.projects().remove_attachment(p.id, doc.id).await),
            "{b}"
        );
        assert!(blobs.exists(&doc.sha256).await.unwrap(), "{b}");
    }
}

#[tokio::test]
async fn content_decides_and_identical_files_are_stored_once() {
    for (b, store) in stores().await {
        let (dir, blobs) = blob_dir();
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        let p = project(&store, &f, "农村饮水安全巩固提升", None).await;

        assert_eq!(
            problems(
                b,
                s.projects()
                    .attach(p.id, DocumentKind::Approval, "立项批复.pdf", HTML, &blobs)
                    .await
                    .unwrap_err()
            ),
            vec![("file", Problem::FileDisguised)],
            "{b}: a web page renamed .pdf"
        );
        assert_eq!(
            problems(
                b,
                s.projects()
                    .attach(
                        p.id,
                        DocumentKind::Other,
                        "notes.txt",
                        b"plain text",
                        &blobs
                    )
                    .await
                    .unwrap_err()
            ),
            vec![("file", Problem::FileType)],
            "{b}"
        );
        assert_eq!(
            problems(
                b,
                s.projects()
                    .attach(p.id, DocumentKind::Other, "empty.pdf", b"", &blobs)
                    .await
                    .unwrap_err()
            ),
            vec![("file", Problem::Required)],
            "{b}"
        );
        assert!(
            s.projects().attachments(p.id).await.unwrap().is_empty(),
            "{b}"
        );
        assert!(
            files(dir.path()).is_empty(),
            "{b}: nothing refused is stored"
        );

        let first = s
            .projects()
            .attach(p.id, DocumentKind::Consultation, "意见.pdf", PDF, &blobs)
            .await
            .unwrap();
        let second = s
            .projects()
            .attach(p.id, DocumentKind::Other, "副本.pdf", PDF, &blobs)
            .await
            .unwrap();
        let elsewhere = project(&store, &f, "另一社区饮水", None).await;
        let third = s
            .projects()
            .attach(
                elsewhere.id,
                DocumentKind::Approval,
                "批复.pdf",
                PDF,
                &blobs,
            )
            .await
            .unwrap();
        assert_ne!(first.id, second.id, "{b}");
        assert!(
            first.sha256 == second.sha256 && second.sha256 == third.sha256,
            "{b}"
        );
        let stored = files(dir.path());
        assert_eq!(
            stored.len(),
            1,
            "{b}: one blob for three records: {stored:?}"
        );
        let key = key_of(PDF);
        assert!(
            stored[0].ends_with(Path::new(&key[..2]).join(&key[2..4]).join(&key)),
            "{b}: content-addressed path {:?}",
            stored[0]
        );
    }
}
