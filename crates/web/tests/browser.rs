//! End-to-end in a real headless Chromium driven through ChromeDriver (WebDriver): sign in,
//! change the first-time password, see the home page, switch language, sign out.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`./scripts/test` installs them); set
//! `MINXIN_CHROMEDRIVER` / `MINXIN_CHROMIUM` to use other paths.

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use minxin_domain::{Role, RoleSet};
use minxin_storage::bootstrap::CliAccount;
use minxin_storage::testing::{fixture, stores};
use minxin_web::{AppState, WebConfig, app};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_chrome() -> (Driver, Client) {
    let driver_path =
        std::env::var("MINXIN_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chromium = std::env::var("MINXIN_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&driver_path).exists() && std::path::Path::new(&chromium).exists(),
        "browser tests need {chromium} and {driver_path}: install Debian's chromium and \
         chromium-driver (./scripts/test does it)"
    );
    let port = free_port();
    let driver = Driver(
        Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let profile = tempfile::tempdir().unwrap().keep();
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=390,844",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let capabilities = capabilities.as_object().unwrap().clone();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        // ChromeDriver listens on plain HTTP on loopback: no TLS stack needed.
        if let Ok(client) = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            return (driver, client);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver did not accept a session at {url}");
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn fill(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(value)
        .await
        .unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_change_password_home_and_sign_out() {
    let (_, store) = stores().await.remove(0);
    fixture(&store).await;
    store
        .bootstrap_account(&CliAccount {
            username: "wangfang",
            display_name: "王芳",
            password: "Initial#2026",
            roles: RoleSet::new([Role::Office]),
            region_code: "990101",
            department_code: None,
            scope_region_code: Some("990101"),
            must_change_password: true,
        })
        .await
        .unwrap();
    let state = AppState::new(store, WebConfig::default()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });

    let (_driver, client) = start_chrome().await;
    client.goto(&format!("{base}/")).await.unwrap();
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/login")
    );
    assert_eq!(text_of(&client, "h1").await, "登录");

    fill(&client, "#username", "wangfang").await;
    fill(&client, "#password", "Wrong#2026").await;
    click(&client, "#sign-in").await;
    assert!(
        text_of(&client, "#login-error")
            .await
            .contains("用户名或密码错误")
    );

    fill(&client, "#password", "Initial#2026").await;
    click(&client, "#sign-in").await;
    assert!(
        text_of(&client, "#forced-change")
            .await
            .contains("首次登录")
    );
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/account/password"
    );

    fill(&client, "#current", "Initial#2026").await;
    fill(&client, "#new", "Fresh#2026pw").await;
    fill(&client, "#confirm", "Fresh#2026pw").await;
    click(&client, "#change-password").await;
    assert!(text_of(&client, "p.notice").await.contains("密码已修改"));

    client.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "您好，王芳");
    assert_eq!(text_of(&client, "#scope-region").await, "示例区");

    click(&client, "a.lang").await;
    assert_eq!(text_of(&client, "h1").await, "Welcome, 王芳");
    click(&client, "a.lang").await;
    assert_eq!(text_of(&client, "h1").await, "您好，王芳");

    click(&client, "#sign-out").await;
    assert!(text_of(&client, "p.notice").await.contains("您已安全退出"));
    client.goto(&format!("{base}/")).await.unwrap();
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/login")
    );

    client.close().await.unwrap();
}
