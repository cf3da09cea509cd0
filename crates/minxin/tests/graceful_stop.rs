//! A stop as an orchestrator makes one (issue 18): the real binary, with its metrics listener,
//! gets SIGTERM while a request is in flight (its body only half sent). It must report
//! `/readyz` 503 `draining` on the metrics listener, still answer the request in flight once
//! its body arrives, and exit 0.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to answer `/livez` after starting (a debug build, migrating),
/// and to reach each later step: a guard against hanging, not a measurement.
const PATIENCE: Duration = Duration::from_secs(120);

/// A port nobody listens on right now.
fn free_address() -> SocketAddr {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("no free port")
}

/// The status line and body of one GET on a fresh connection, or `None` if nobody answers.
fn get(address: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw).ok()?;
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

/// Waits until `ready` holds, panicking after [`PATIENCE`] with `what`.
fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < PATIENCE, "{what} within {PATIENCE:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_drains_finishes_the_request_in_flight_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let (address, operations) = (free_address(), free_address());
    let mut child = Command::new(env!("CARGO_BIN_EXE_minxin"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("MINXIN_CONFIG")
        .env_remove("MINXIN_DATABASE_URL")
        .env("MINXIN_DATA_DIR", dir.path().join("data"))
        .env("MINXIN_SEED_DEMO", "false")
        .env("MINXIN_LOG", "warn")
        .env("MINXIN_LISTEN", address.to_string())
        .env("MINXIN_METRICS_LISTEN", operations.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start the minxin binary");
    wait_until("the server answers /livez", || {
        get(address, "/livez").is_some_and(|(status, _)| status == 200)
    });
    assert_eq!(get(operations, "/readyz"), Some((200, "ready".to_owned())));

    let body = b"service_code=lighting&description=dark";
    let mut slow = TcpStream::connect(address).unwrap();
    slow.set_read_timeout(Some(PATIENCE)).unwrap();
    let head = format!(
        "POST /open311/v2/requests.json HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    slow.write_all(head.as_bytes()).unwrap();
    slow.write_all(&body[..10]).unwrap();
    slow.flush().unwrap();

    let pid = child.id().to_string();
    let signalled = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(signalled.success(), "kill -TERM {pid}");
    wait_until("/readyz answers 503 draining", || {
        get(operations, "/readyz") == Some((503, "draining".to_owned()))
    });
    assert!(
        child.try_wait().unwrap().is_none(),
        "still running the request in flight"
    );

    slow.write_all(&body[10..]).unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 403"),
        "the request in flight is answered (no api_key): {answer}"
    );
    assert!(
        answer.to_ascii_lowercase().contains("x-request-id: "),
        "{answer}"
    );

    let mut exited = None;
    wait_until("the server exits", || {
        exited = child.try_wait().unwrap();
        exited.is_some()
    });
    assert!(exited.unwrap().success(), "exit status {exited:?}");
}
