#!/usr/bin/env python3
"""Measures the release binary: size, the demo's cold start, memory idle and under load.

Usage: cargo build --release && python3 scripts/measure-demo.py [target/release/danvan]

Cold start = from launching `danvan demo` on an empty data folder (catalogue load, migrations,
pilot seeding, password hashing) until /healthz answers. Load = N threads of a signed-in cell
secretary opening the household list (a scoped query plus an audit-log append per request) for a
few seconds; the baseline in the same run is /healthz (one trivial query), so the ratio shows what
the real page costs over the bare server.
"""
import http.client, os, re, socket, subprocess, sys, tempfile, threading, time, urllib.parse

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/danvan"
PASSWORD = "matkhau-demo-2024"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def get(port, path, cookie=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


def login(port, user):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urllib.parse.urlencode({"username": user, "password": PASSWORD})
    c.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie").split(";")[0]
    c.close()
    return cookie


def load(port, path, cookie, seconds, threads):
    count = [0] * threads
    stop = time.time() + seconds

    def worker(i):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.time() < stop:
            c.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            r = c.getresponse()
            r.read()
            assert r.status == 200, r.status
            count[i] += 1
        c.close()

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(count) / seconds


def main():
    size = os.path.getsize(BIN)
    print(f"binary size: {size / 1024 / 1024:.1f} MiB ({BIN})")
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        env = dict(os.environ, DANVAN_DEMO_PASSWORD=PASSWORD)
        env.pop("DANVAN_DATABASE_URL", None)
        t0 = time.time()
        p = subprocess.Popen([BIN, "--data-dir", d, "demo", "--listen", f"127.0.0.1:{port}"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    if get(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.02)
            cold = time.time() - t0
            print(f"demo cold start (empty folder → /healthz ok): {cold:.2f} s")
            time.sleep(1.0)
            print(f"RSS idle after start: {rss_kib(p.pid) / 1024:.1f} MiB")
            cookie = login(port, "xa.luongbang")
            base = load(port, "/healthz", None, 5, 4)
            page = load(port, "/households", cookie, 5, 4)
            print(f"/healthz: {base:.0f} req/s (baseline); /households (commune committee, 50 rows, audit-logged): {page:.0f} req/s; ratio {page / base:.3f}")
            print(f"RSS under load: {rss_kib(p.pid) / 1024:.1f} MiB now, peak {rss_kib(p.pid, 'VmHWM') / 1024:.1f} MiB")
            status, body = get(port, "/login")
            print(f"login page: {len(body)} bytes of HTML")
        finally:
            p.terminate()
            p.wait()


if __name__ == "__main__":
    main()
