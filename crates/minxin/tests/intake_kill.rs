//! Intake never loses an acknowledged request (issue 6): the real binary serves `/report` while
//! several residents submit at once, is killed with SIGKILL (no graceful shutdown, nothing
//! flushed on the way out) right after receipts have come back, is started again on the same
//! database, and every receipt code a resident was shown must still find its request at
//! `/track`. Submissions cut off by the kill were never acknowledged and may or may not be
//! there. Runs on SQLite and, when `MINXIN_TEST_DATABASE_URL` is set, on a fresh PostgreSQL
//! database.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Residents submitting at the same time.
const RESIDENTS: usize = 6;
/// Receipts acknowledged before the process is killed (the others are then in flight).
const ACKNOWLEDGED_BEFORE_KILL: usize = 40;
/// How long the server may take to answer `/healthz` after starting (a debug build, migrating).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// One server process of the binary under test, on its own port and database.
struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    /// Starts `minxin serve` on a free port and waits until `/healthz` answers.
    fn start(dir: &Path, database_url: Option<&str>) -> Server {
        let address = free_address();
        let mut command = minxin(dir, database_url);
        command
            .arg("serve")
            .env("MINXIN_LISTEN", address.to_string())
            .env("MINXIN_INTAKE_PER_HOUR", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = command.spawn().expect("cannot start the minxin binary");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("cannot watch the server") {
                panic!("the server exited before answering /healthz: {status}");
            }
            if get(address, "/healthz", "").is_ok_and(|r| r.status == 200) {
                return Server { child, address };
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "the server did not answer /healthz within {START_TIMEOUT:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: the process ends at once, with no chance to flush or shut down.
    fn kill(mut self) {
        self.child.kill().expect("cannot kill the server");
        self.child.wait().expect("cannot reap the server");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with its data directory, database and working directory set, and no demo.
fn minxin(dir: &Path, database_url: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minxin"));
    command
        .current_dir(dir)
        .env_remove("MINXIN_CONFIG")
        .env("MINXIN_DATA_DIR", dir.join("data"))
        .env("MINXIN_SEED_DEMO", "false")
        .env("MINXIN_LOG", "warn");
    match database_url {
        Some(url) => command.env("MINXIN_DATABASE_URL", url),
        None => command.env_remove("MINXIN_DATABASE_URL"),
    };
    command
}

/// A port nobody listens on right now.
fn free_address() -> SocketAddr {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("no free port")
}

/// An HTTP response as far as these tests need it.
struct Response {
    status: u16,
    head: String,
    body: String,
}

/// One request on a fresh connection (`Connection: close`), read to the end.
fn exchange(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &str,
    body: &[u8],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Content-Length: {}\r\n{headers}\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    stream.write_all(&request)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let broken = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "incomplete response");
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(broken)?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(broken)?;
    let length: Option<usize> = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    });
    if length.is_some_and(|n| n != body.len()) {
        return Err(broken());
    }
    Ok(Response {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    })
}

fn get(address: SocketAddr, path: &str, headers: &str) -> std::io::Result<Response> {
    exchange(address, "GET", path, headers, b"")
}

/// The pre-session cookie a page set, as a `Cookie:` header line.
fn cookie(page: &Response) -> String {
    let set = page
        .head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim().split(';').next().unwrap_or("").to_owned())
        })
        .expect("the page sets the pre-session cookie");
    format!("Cookie: {set}\r\n")
}

/// The text after `marker` in `body` up to `end`.
fn after<'a>(body: &'a str, marker: &str, end: char) -> Option<&'a str> {
    let start = body.find(marker)? + marker.len();
    body[start..].split(end).next()
}

/// A resident's browser: the pre-session cookie and CSRF token of the report form.
struct Resident {
    cookie: String,
    csrf: String,
}

impl Resident {
    fn open_form(address: SocketAddr) -> std::io::Result<Resident> {
        let form = get(address, "/report", "")?;
        assert_eq!(form.status, 200, "GET /report: {}", form.body);
        let csrf = after(&form.body, "/report?_csrf=", '"')
            .expect("the form's action carries the CSRF token")
            .to_owned();
        Ok(Resident {
            cookie: cookie(&form),
            csrf,
        })
    }

    /// Submits a request; the receipt code if the receipt page came back.
    fn submit(&self, address: SocketAddr, description: &str) -> std::io::Result<String> {
        let boundary = "minxin-intake-kill";
        let mut body = String::new();
        for (name, value) in [
            ("category", "road"),
            ("description", description),
            ("address", "示例路12号"),
        ] {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let reply = exchange(
            address,
            "POST",
            &format!("/report?_csrf={}", self.csrf),
            &format!(
                "{}Content-Type: multipart/form-data; boundary={boundary}\r\n",
                self.cookie
            ),
            body.as_bytes(),
        )?;
        assert_eq!(reply.status, 200, "POST /report: {}", reply.body);
        let code = after(&reply.body, "id=\"receipt-code\"", '/')
            .and_then(|s| after(s, "<strong>", '<'))
            .unwrap_or_else(|| panic!("a page without a receipt code: {}", reply.body));
        Ok(code.to_owned())
    }
}

/// Follows `code` at `/track`; the page's body.
fn track(address: SocketAddr, code: &str) -> String {
    let form = get(address, "/track", "").expect("GET /track");
    let csrf = after(&form.body, "name=\"_csrf\" value=\"", '"').expect("a CSRF field");
    let body = format!("_csrf={csrf}&code={code}");
    let reply = exchange(
        address,
        "POST",
        "/track",
        &format!(
            "{}Content-Type: application/x-www-form-urlencoded\r\n",
            cookie(&form)
        ),
        body.as_bytes(),
    )
    .expect("POST /track");
    assert_eq!(reply.status, 200, "POST /track: {}", reply.body);
    reply.body
}

/// Residents submit until told to stop; every receipt code they are shown goes into `receipts`
/// with its description. A connection cut by the kill ends that resident's work.
fn residents(
    address: SocketAddr,
    stop: &Arc<AtomicBool>,
    receipts: &Arc<Mutex<Vec<(String, String)>>>,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..RESIDENTS)
        .map(|r| {
            let (stop, receipts) = (Arc::clone(stop), Arc::clone(receipts));
            std::thread::spawn(move || {
                let Ok(resident) = Resident::open_form(address) else {
                    return;
                };
                for n in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let description = format!("路面坑洼 居民{r}第{n}次反映");
                    match resident.submit(address, &description) {
                        Ok(code) => receipts.lock().unwrap().push((code, description)),
                        Err(_) => return,
                    }
                }
            })
        })
        .collect()
}

fn survives_kill(backend: &str, database_url: Option<&str>) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let created = minxin(dir.path(), database_url)
        .args(["region", "create", "--code", "990100", "--name", "示例市"])
        .args(["--level", "city"])
        .status()
        .expect("cannot run minxin region create");
    assert!(created.success(), "{backend}: minxin region create failed");

    let server = Server::start(dir.path(), database_url);
    let address = server.address;
    let stop = Arc::new(AtomicBool::new(false));
    let receipts = Arc::new(Mutex::new(Vec::new()));
    let workers = residents(address, &stop, &receipts);
    let started = Instant::now();
    while receipts.lock().unwrap().len() < ACKNOWLEDGED_BEFORE_KILL {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{backend}: the residents got too few receipts"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // Killed while the residents are still submitting: some requests are half-way through.
    server.kill();
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.join().expect("a resident's thread panicked");
    }
    let acknowledged = receipts.lock().unwrap().clone();
    assert!(acknowledged.len() >= ACKNOWLEDGED_BEFORE_KILL, "{backend}");

    let server = Server::start(dir.path(), database_url);
    for (code, description) in &acknowledged {
        let page = track(server.address, code);
        assert!(
            page.contains(description.as_str()),
            "{backend}: the request of receipt {code} ({description}) was lost in the kill"
        );
    }
    // And the restarted server takes new requests.
    let resident = Resident::open_form(server.address).expect("GET /report after the restart");
    let code = resident
        .submit(server.address, "重启后的反映")
        .expect("POST /report after the restart");
    assert!(
        track(server.address, &code).contains("重启后的反映"),
        "{backend}"
    );
    server.kill();
}

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_requests_survive_a_kill() {
    let postgres = minxin_storage::testing::fresh_postgres_url().await;
    tokio::task::spawn_blocking(move || {
        survives_kill("sqlite", None);
        if let Some(url) = postgres {
            survives_kill("postgres", Some(&url));
        }
    })
    .await
    .expect("the kill test panicked");
}
