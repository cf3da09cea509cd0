//! Headless Chromium driven through ChromeDriver (WebDriver) for the browser tests, and the app
//! served on a loopback port for it to visit.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`./scripts/test` installs them); set
//! `MINXIN_CHROMEDRIVER` / `MINXIN_CHROMIUM` to use other paths. Chromium resolves no host but
//! 127.0.0.1, so pages that reference outside resources (map tiles) never reach the network.

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use minxin_web::{AppState, app};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The running ChromeDriver; stopped when dropped.
pub struct Driver(Child);

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

/// Serves the app for `state` on a free loopback port; returns its base URL.
pub async fn serve(state: AppState) -> String {
    let (listener, base) = loopback().await;
    serve_on(listener, state);
    base
}

/// A free loopback port and its base URL, for a test that must know the address before it
/// builds the state (the public base URL that QR codes encode).
pub async fn loopback() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    (listener, base)
}

/// Serves the app for `state` on `listener`.
pub fn serve_on(listener: tokio::net::TcpListener, state: AppState) {
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
}

/// Starts ChromeDriver and a headless Chromium session with a `width`×`height` window.
pub async fn start_chrome(width: u32, height: u32) -> (Driver, Client) {
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
                "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                format!("--window-size={width},{height}"),
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

/// The text of the element matching `css`, waiting up to ten seconds for it to appear (and
/// trying again when the page changed under a found element).
pub async fn text_of(client: &Client, css: &str) -> String {
    let mut error = String::new();
    for _ in 0..100 {
        match client.find(Locator::Css(css)).await {
            Ok(element) => match element.text().await {
                Ok(text) => return text,
                Err(e) => error = e.to_string(),
            },
            Err(e) => error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: {error}");
}

/// Waits up to ten seconds for an element matching `css` whose text contains `needle` (after a
/// click that loads a new page, the old page's element may still be found for a moment), and
/// returns its text.
pub async fn wait_for_text(client: &Client, css: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && let Ok(text) = element.text().await
        {
            if text.contains(needle) {
                return text;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never contained {needle:?}; last seen: {last:?}");
}

/// The path of the page the browser shows.
pub async fn current_path(client: &Client) -> String {
    client.current_url().await.unwrap().path().to_owned()
}

/// Types `value` into the element matching `css`.
pub async fn fill(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(value)
        .await
        .unwrap();
}

/// Chooses `value` in the select matching `css`.
pub async fn select(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("{css} = {value}: {e}"));
}

/// Clicks the element matching `css`.
pub async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Signs in as `username` (with the test password) in a browser without other cookies, and
/// waits for the signed-in page.
pub async fn sign_in(client: &Client, base: &str, username: &str) {
    client.delete_all_cookies().await.unwrap();
    client.goto(&format!("{base}/login")).await.unwrap();
    fill(client, "#username", username).await;
    fill(client, "#password", minxin_storage::testing::PASSWORD).await;
    click(client, "#sign-in").await;
    wait_for_text(client, "#sign-out", "").await;
}

/// Writes a small JPEG to `dir/name` for a file input and returns its path.
pub fn photo_file(dir: &std::path::Path, name: &str, shade: u8) -> String {
    use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
    let image = RgbImage::from_fn(160, 120, |x, y| {
        Rgb([shade, (x % 256) as u8, (y % 256) as u8])
    });
    let path = dir.join(name);
    DynamicImage::ImageRgb8(image)
        .save_with_format(&path, ImageFormat::Jpeg)
        .unwrap();
    path.display().to_string()
}
