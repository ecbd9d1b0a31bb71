//! A small closed-loop load generator: N virtual users, each with one keep-alive HTTP/1.1
//! connection (raw hyper, no pooling or cookie jar), sending the next request as soon as
//! the previous answer is read. Latency goes into an HDR histogram per user, merged at the end.
//! Kept this thin so that on a 2-core machine the generator takes as little CPU as possible
//! away from the server it measures.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONNECTION, CONTENT_TYPE, COOKIE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// A request that gets no answer within this time counts as an error and its connection is
/// dropped: a server that hangs must show up as errors, not stall the benchmark.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Builds the n-th request of a run (n counts over all users, so a write can alternate values).
pub type MakeRequest = Arc<dyn Fn(u64) -> Request<Full<Bytes>> + Send + Sync>;

pub struct Load {
    pub connections: usize,
    pub warmup: Duration,
    pub measure: Duration,
    pub expect: StatusCode,
}

pub struct Outcome {
    /// Answers with the expected status inside the measured window.
    pub ok: u64,
    pub errors: u64,
    /// What went wrong, by kind ("500", "timeout", "connect: …"), for the report.
    pub error_kinds: BTreeMap<String, u64>,
    pub elapsed: Duration,
    /// Latency of the expected answers, in microseconds.
    pub hist: Histogram<u64>,
}

impl Outcome {
    pub fn rps(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Latency at quantile `q` in milliseconds; `None` when nothing succeeded.
    pub fn ms(&self, q: f64) -> Option<f64> {
        (!self.hist.is_empty()).then(|| self.hist.value_at_quantile(q) as f64 / 1000.0)
    }
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 120_000_000, 3).expect("histogram bounds")
}

/// Builds a request in origin form with the headers every request needs.
pub fn request(
    host: &str,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    form: Option<Bytes>,
) -> Request<Full<Bytes>> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(HOST, host);
    if let Some(c) = cookie {
        b = b.header(COOKIE, c);
    }
    let body = match form {
        Some(f) => {
            b = b.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
            f
        }
        None => Bytes::new(),
    };
    b.body(Full::new(body)).expect("valid request")
}

async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {}", e.kind()))?;
    let _ = stream.set_nodelay(true);
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        // The connection ends when the server closes it or the sender is dropped.
        let _ = conn.await;
    });
    Ok(send)
}

/// One request on the user's connection, (re)connecting when there is none.
/// Returns the status after the whole body is read.
async fn exchange(
    conn: &mut Option<SendRequest<Full<Bytes>>>,
    addr: SocketAddr,
    req: Request<Full<Bytes>>,
) -> Result<StatusCode, String> {
    if conn.is_none() {
        *conn = Some(connect(addr).await?);
    }
    let send = conn.as_mut().expect("connected");
    send.ready().await.map_err(|e| format!("connection: {e}"))?;
    let res = send
        .send_request(req)
        .await
        .map_err(|e| format!("send: {e}"))?;
    let status = res.status();
    let closing = res
        .headers()
        .get(CONNECTION)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
    res.into_body()
        .collect()
        .await
        .map_err(|e| format!("body: {e}"))?;
    if closing {
        *conn = None;
    }
    Ok(status)
}

struct UserResult {
    ok: u64,
    errors: u64,
    error_kinds: BTreeMap<String, u64>,
    hist: Histogram<u64>,
}

async fn user(
    addr: SocketAddr,
    make: MakeRequest,
    seq: Arc<AtomicU64>,
    expect: StatusCode,
    measure_from: Instant,
    until: Instant,
) -> UserResult {
    let mut r = UserResult {
        ok: 0,
        errors: 0,
        error_kinds: BTreeMap::new(),
        hist: histogram(),
    };
    let mut conn = None;
    loop {
        let started = Instant::now();
        if started >= until {
            break;
        }
        let req = make(seq.fetch_add(1, Ordering::Relaxed));
        let answer = tokio::time::timeout(REQUEST_TIMEOUT, exchange(&mut conn, addr, req)).await;
        let took = started.elapsed();
        // Requests started during the warm-up are not counted.
        let counted = started >= measure_from;
        let failure = match answer {
            Ok(Ok(status)) if status == expect => None,
            Ok(Ok(status)) => Some(status.as_u16().to_string()),
            Ok(Err(e)) => {
                conn = None;
                Some(e)
            }
            Err(_) => {
                conn = None;
                Some("timeout".to_owned())
            }
        };
        if !counted {
            continue;
        }
        match failure {
            None => {
                r.ok += 1;
                let _ = r.hist.record((took.as_micros() as u64).max(1));
            }
            Some(kind) => {
                r.errors += 1;
                *r.error_kinds.entry(kind).or_default() += 1;
            }
        }
    }
    r
}

/// Runs `load.connections` users for warm-up + measure time and merges their results.
pub async fn run(addr: SocketAddr, load: &Load, make: MakeRequest) -> Outcome {
    let start = Instant::now();
    let measure_from = start + load.warmup;
    let until = measure_from + load.measure;
    let seq = Arc::new(AtomicU64::new(0));
    let users: Vec<_> = (0..load.connections)
        .map(|_| {
            tokio::spawn(user(
                addr,
                make.clone(),
                seq.clone(),
                load.expect,
                measure_from,
                until,
            ))
        })
        .collect();
    let mut out = Outcome {
        ok: 0,
        errors: 0,
        error_kinds: BTreeMap::new(),
        elapsed: Duration::ZERO,
        hist: histogram(),
    };
    for u in users {
        let r = u.await.expect("virtual user task");
        out.ok += r.ok;
        out.errors += r.errors;
        for (k, n) in r.error_kinds {
            *out.error_kinds.entry(k).or_default() += n;
        }
        out.hist.add(&r.hist).expect("same histogram bounds");
    }
    // Answers still arriving after `until` belong to requests started in the window.
    out.elapsed = measure_from.elapsed();
    out
}
