//! End-to-end in a real headless Chromium driven through ChromeDriver (WebDriver): sign in,
//! change the first-time password, see the home page, switch language, sign out.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`./scripts/test` installs them); set
//! `MINXIN_CHROMEDRIVER` / `MINXIN_CHROMIUM` to use other paths.

use crate::common::TestApp;
use crate::common::chrome::{click, current_path, fill, start_chrome, text_of, wait_for_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_change_password_home_and_sign_out() {
    let env = TestApp::builder().sqlite().await;
    env.newcomer("wangfang", "王芳", "Initial#2026").await;
    let base = env.serve().await;

    let (_driver, client) = start_chrome(390, 844).await;
    client.goto(&format!("{base}/work")).await.unwrap();
    assert!(current_path(&client).await.starts_with("/login"));
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
    // The password page also has a notice: wait for the next page's.
    wait_for_text(&client, "p.notice", "密码已修改").await;

    client.goto(&format!("{base}/work")).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "您好，王芳");
    assert_eq!(text_of(&client, "#scope-region").await, "示例区");

    click(&client, "a.lang").await;
    assert_eq!(
        wait_for_text(&client, "h1", "Welcome").await,
        "Welcome, 王芳"
    );
    click(&client, "a.lang").await;
    assert_eq!(wait_for_text(&client, "h1", "您好").await, "您好，王芳");

    click(&client, "#sign-out").await;
    wait_for_text(&client, "p.notice", "您已安全退出").await;
    client.goto(&format!("{base}/work")).await.unwrap();
    assert!(current_path(&client).await.starts_with("/login"));

    client.close().await.unwrap();
}
