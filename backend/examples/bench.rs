//! The benchmark behind `tests/bench.sh` (not a test: it prints figures).
//!
//! Against a running Facteur (`FACTEUR_URL`) whose user `bench` has 10,000
//! messages, it measures the app shell size, the latency of a list page
//! and of opening a message through the API, and the same list and open
//! done by a plain IMAP client on an already-open connection (the floor),
//! with each ratio to it. The browser figures come from
//! `tests/e2e/bench.mjs`, run by the script, and are passed in the
//! environment. Run it with `tests/bench.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::Write,
    path::Path,
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

const RUNS: usize = 40;
/// Runs of the filters' dry run (each examines 500 messages).
const DRY_RUNS: usize = 10;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A minimal HTTP/1.1 keep-alive client: what a browser's connection does.
struct Http {
    reader: BufReader<TcpStream>,
    host: String,
    cookie: String,
    csrf: String,
}

impl Http {
    async fn connect(base: &str) -> Self {
        let host = base
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let stream = TcpStream::connect(&host).await.expect("connect to Facteur");
        stream.set_nodelay(true).unwrap();
        Http {
            reader: BufReader::new(stream),
            host,
            cookie: String::new(),
            csrf: String::new(),
        }
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n",
            self.host
        );
        if !self.cookie.is_empty() {
            req.push_str(&format!(
                "Cookie: {}\r\nX-CSRF-Token: {}\r\n",
                self.cookie, self.csrf
            ));
        }
        if let Some(b) = body {
            req.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            ));
        } else {
            req.push_str("\r\n");
        }
        self.reader
            .get_mut()
            .write_all(req.as_bytes())
            .await
            .unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).await.unwrap();
        let status: u16 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut headers = Vec::new();
        let mut len = 0usize;
        let mut chunked = false;
        loop {
            line.clear();
            self.reader.read_line(&mut line).await.unwrap();
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let (k, v) = l.split_once(':').unwrap();
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
            if k == "content-length" {
                len = v.parse().unwrap();
            }
            if k == "transfer-encoding" && v.contains("chunked") {
                chunked = true;
            }
            headers.push((k, v));
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line).await.unwrap();
                let n = usize::from_str_radix(line.trim(), 16).unwrap();
                let mut chunk = vec![0; n + 2];
                self.reader.read_exact(&mut chunk).await.unwrap();
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        } else {
            body.resize(len, 0);
            self.reader.read_exact(&mut body).await.unwrap();
        }
        (status, headers, body)
    }

    async fn get(&mut self, path: &str) -> Vec<u8> {
        let (status, _, body) = self.request("GET", path, None).await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        body
    }
}

/// A plain IMAP client on one TLS connection: commands written by hand,
/// responses read up to the tagged completion.
struct RawImap {
    stream: BufReader<tokio_rustls::client::TlsStream<TcpStream>>,
    n: u32,
}

impl RawImap {
    async fn connect(host: &str, port: u16, ca: &Path, user: &str, pass: &str) -> Self {
        let tls = facteur::tls::connector(Some(ca)).unwrap();
        let mut tcp = TcpStream::connect((host, port)).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        // STARTTLS by hand.
        let mut buf = [0u8; 1024];
        let _ = tcp.read(&mut buf).await.unwrap();
        tcp.write_all(b"s STARTTLS\r\n").await.unwrap();
        let _ = tcp.read(&mut buf).await.unwrap();
        let name = rustls_pki_types::ServerName::try_from(host.to_string()).unwrap();
        let stream = tls.connect(name, tcp).await.unwrap();
        let mut c = RawImap {
            stream: BufReader::new(stream),
            n: 0,
        };
        c.cmd(&format!("LOGIN {user} {pass}")).await;
        c.cmd("SELECT INBOX").await;
        c
    }

    /// Sends a command; returns the bytes of the answer.
    async fn cmd(&mut self, cmd: &str) -> usize {
        self.n += 1;
        let tag = format!("b{}", self.n);
        self.stream
            .get_mut()
            .write_all(format!("{tag} {cmd}\r\n").as_bytes())
            .await
            .unwrap();
        let mut total = 0;
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = self.stream.read_until(b'\n', &mut line).await.unwrap();
            assert!(n > 0, "connection closed");
            total += n;
            // A literal {n}: read its bytes whole.
            if line.ends_with(b"}\r\n")
                && let Some(open) = line.iter().rposition(|b| *b == b'{')
                && let Ok(s) = std::str::from_utf8(&line[open + 1..line.len() - 3])
                && let Ok(len) = s.trim_end_matches('+').parse::<usize>()
            {
                let mut lit = vec![0; len];
                self.stream.read_exact(&mut lit).await.unwrap();
                total += len;
                continue;
            }
            if line.starts_with(tag.as_bytes()) && line.get(tag.len()) == Some(&b' ') {
                assert!(
                    line[tag.len() + 1..].starts_with(b"OK"),
                    "{}",
                    String::from_utf8_lossy(&line)
                );
                return total;
            }
        }
    }
}

fn gzip_len(data: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap().len()
}

fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main]
async fn main() {
    let base = std::env::var("FACTEUR_URL").unwrap_or_else(|_| "http://127.0.0.1:8390".into());
    let dist = std::env::var("FACTEUR_DIST_DIR").unwrap_or_else(|_| "dist".into());
    let ca = std::env::var("FACTEUR_CA_FILE").expect("FACTEUR_CA_FILE");
    let imap_url =
        std::env::var("FACTEUR_IMAP_URL").unwrap_or_else(|_| "imap://127.0.0.1:10143".into());
    let imap = facteur::config::ServerUrl::parse(&imap_url, ("imap", 143), ("imaps", 993)).unwrap();

    println!("== Facteur benchmark ({RUNS} runs each, medians) ==");

    // App shell.
    let mut shell = 0;
    let index_html =
        std::fs::read_to_string(Path::new(&dist).join("index.html")).unwrap_or_default();
    let mut entries: Vec<_> = std::fs::read_dir(&dist)
        .expect("dist/ (build the frontend first)")
        .filter_map(Result::ok)
        .map(|e| e.path())
        // The shell is index.html and what it loads (the filters page's
        // bundle is loaded only on that page).
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name == "index.html" || index_html.contains(name)
        })
        .collect();
    entries.sort();
    for p in entries {
        let data = std::fs::read(&p).unwrap();
        let gz = gzip_len(&data);
        shell += gz;
        println!(
            "shell file      {:<40} {:>8} B raw {:>8} B gzip",
            p.file_name().unwrap().to_string_lossy(),
            data.len(),
            gz
        );
    }
    println!(
        "app shell gzip  {:.1} KB: wasm + js + css + index.html (its CSS inlined) (target <= 200 KB)",
        shell as f64 / 1024.0
    );

    // Through the API.
    let mut http = Http::connect(&base).await;
    let (status, headers, body) = http
        .request(
            "POST",
            "/api/session",
            Some(r#"{"username":"bench","password":"secret"}"#),
        )
        .await;
    assert_eq!(status, 200, "login: {}", String::from_utf8_lossy(&body));
    let set_cookie = headers
        .iter()
        .find(|(k, _)| k == "set-cookie")
        .unwrap()
        .1
        .clone();
    http.cookie = set_cookie.split(';').next().unwrap().to_string();
    let info: serde_json::Value = serde_json::from_slice(&body).unwrap();
    http.csrf = info["csrf_token"].as_str().unwrap().to_string();

    let t = Instant::now();
    let first = http
        .get("/api/folders/INBOX/messages?offset=0&limit=50")
        .await;
    let cold_list = t.elapsed();
    let page: shared::mail::MessagePage = serde_json::from_slice(&first).unwrap();
    println!("messages        {}", page.total);
    let mut list = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        http.get("/api/folders/INBOX/messages?offset=0&limit=50")
            .await;
        list.push(t.elapsed());
    }
    // Pages further down (the virtual list scrolling).
    let mut deep = Vec::new();
    for i in 0..RUNS {
        let t = Instant::now();
        http.get(&format!(
            "/api/folders/INBOX/messages?offset={}&limit=50",
            100 + i * 200
        ))
        .await;
        deep.push(t.elapsed());
    }
    let uids: Vec<u32> = page.messages.iter().map(|m| m.uid).collect();
    let mut open = Vec::new();
    for i in 0..RUNS {
        let uid = uids[i % uids.len()];
        let t = Instant::now();
        http.get(&format!("/api/folders/INBOX/messages/{uid}"))
            .await;
        open.push(t.elapsed());
    }

    // The floor: a plain IMAP client, connection open, folder selected,
    // sorted UIDs known (as Facteur caches them).
    let mut raw = RawImap::connect(&imap.host, imap.port, Path::new(&ca), "bench", "secret").await;
    raw.cmd("UID SORT (REVERSE ARRIVAL) UTF-8 ALL").await;
    let set = uids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let fetch_list = format!(
        "UID FETCH {set} (UID FLAGS RFC822.SIZE INTERNALDATE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)])"
    );
    let mut floor_list = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        raw.cmd(&fetch_list).await;
        floor_list.push(t.elapsed());
    }
    let mut floor_open = Vec::new();
    for i in 0..RUNS {
        let uid = uids[i % uids.len()];
        let t = Instant::now();
        raw.cmd(&format!(
            "UID FETCH {uid} (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])"
        ))
        .await;
        floor_open.push(t.elapsed());
    }

    let (l, d, o, fl, fo) = (
        median(list),
        median(deep),
        median(open),
        median(floor_list),
        median(floor_open),
    );
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    println!(
        "list first page cold (SORT of the folder)  {}",
        ms(cold_list)
    );
    println!(
        "list first page  {:>10}   floor {:>10}   ratio {:.1}x  (target <= 15 ms)",
        ms(l),
        ms(fl),
        ratio(l, fl)
    );
    println!(
        "list deep pages  {:>10}   floor {:>10}   ratio {:.1}x",
        ms(d),
        ms(fl),
        ratio(d, fl)
    );
    println!(
        "open message     {:>10}   floor {:>10}   ratio {:.1}x  (target <= 15 ms)",
        ms(o),
        ms(fo),
        ratio(o, fo)
    );

    // The filters' dry run on the last 500 messages of the INBOX.
    let rules = serde_json::json!({
        "limit": 500,
        "rules": [
            {
                "name": "Listes", "enabled": true, "match_all": true, "stop": true,
                "conditions": [{"text": {"field": "list_id", "op": "contains", "value": "ac-demo.fr"}}],
                "actions": [{"move_to": "Listes"}, "mark_read"]
            },
            {
                "name": "Direction", "enabled": true, "match_all": false, "stop": false,
                "conditions": [
                    {"text": {"field": "from", "op": "matches", "value": "*@direction.ac-demo.fr"}},
                    {"text": {"field": {"header": "X-Priority"}, "op": "begins_with", "value": "1"}},
                    {"size_over": {"bytes": 1000000}}
                ],
                "actions": ["flag"]
            }
        ]
    })
    .to_string();
    let mut dry = Vec::new();
    let mut dry_server = Vec::new();
    let mut examined = 0;
    for _ in 0..DRY_RUNS {
        let t = Instant::now();
        let (status, _, body) = http
            .request("POST", "/api/filters/dry-run", Some(&rules))
            .await;
        dry.push(t.elapsed());
        assert_eq!(status, 200, "dry run: {}", String::from_utf8_lossy(&body));
        let result: shared::filters::DryRunResult = serde_json::from_slice(&body).unwrap();
        examined = result.examined;
        dry_server.push(Duration::from_millis(result.elapsed_ms));
    }
    println!(
        "dry run, last 500 messages  {:>10}   elapsed_ms (server) {:>10}   ({examined} examined, {DRY_RUNS} runs)",
        ms(median(dry)),
        ms(median(dry_server))
    );
    if let Ok(pid) = std::env::var("FACTEUR_PID")
        && let Some(kib) = rss_kib(&pid)
    {
        println!(
            "backend memory   {:.1} MB resident after the run",
            kib as f64 / 1024.0
        );
    }
    for (key, label) in [
        ("BENCH_FIRST_ROW_MS", "cold load to first row (Chromium)"),
        (
            "BENCH_ROWS_IN_DOM",
            "row elements in the DOM at the bottom of 10,000",
        ),
    ] {
        if let Ok(v) = std::env::var(key) {
            println!("{label}: {v}");
        }
    }
}
