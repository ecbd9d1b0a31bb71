// Real-browser end-to-end tests for danvan: Playwright (playwright-core) driving
// Debian's Chromium against the demo server.  Usage: see README.md.
//
// Prints one line per test, then "N passed, M failed"; exits 1 when M > 0.
// Screenshots go to e2e/screenshots/ (git-ignored); UI findings (horizontal
// overflow, small tap targets) are printed as notes and never fail a test.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(HERE, process.env.DANVAN_BIN || '../target/debug/danvan');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(HERE, 'screenshots');
const PASSWORD = 'matkhau-demo-2024';
const TIMEOUT = 60_000; // slow 2-core box: be generous
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const ONLY = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;

const DEMO_USERS = [
  'admin', 'xa.luongbang', 'bt.bangngang', 'bt.dongly', 'bt.dongxa', 'bt.luonghoi',
  'dv.bangngang', 'ubnd.luongbang', 'bdv.hungyen', 'mttq.luongbang', 'kiemtra.hungyen',
];

// ---------------------------------------------------------------- utilities

class AssertionError extends Error {}
function check(cond, msg) {
  if (!cond) throw new AssertionError(msg);
}
function eq(actual, expected, msg) {
  check(actual === expected, `${msg}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Vietnamese alphabetical key of a word: tones ignored, ă â đ ê ô ơ ư are letters of their own. */
const ALPHABET = 'a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z'.split(' ');
function viKey(word) {
  const letters = [];
  for (const ch of word.toLowerCase().normalize('NFD').replace(/[\u0300\u0301\u0303\u0309\u0323]/g, '').normalize('NFC')) {
    const i = ALPHABET.indexOf(ch);
    if (i >= 0) letters.push(i);
  }
  return letters;
}
function viCompare(a, b) {
  const ka = viKey(a), kb = viKey(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
  return ka.length - kb.length;
}
/** Lower-case, no diacritics (đ → d): what a search box without tone marks matches. */
function fold(s) {
  return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd');
}
const givenName = (full) => full.trim().split(/\s+/).pop();

// ---------------------------------------------------------------- the server

async function startServer() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'danvan-e2e-'));
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(BIN, ['--data-dir', dataDir, 'demo', '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, DANVAN_DEMO_PASSWORD: PASSWORD, RUST_LOG: process.env.RUST_LOG || 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  let exited = null;
  child.on('exit', (code, sig) => { exited = `exit code ${code} signal ${sig}`; });
  child.on('error', (e) => { exited = String(e); });
  const stop = () => {
    if (exited === null) child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 180_000; // seeding the demo data can take a while
  for (;;) {
    if (exited !== null) { stop(); throw new Error(`server ${exited} before it was ready:\n${log}`); }
    try {
      const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok && (await r.text()).trim() === 'ok') break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) { stop(); throw new Error(`server not healthy after 180 s:\n${log}`); }
    await new Promise((r) => setTimeout(r, 250)); // the only sleep: polling /healthz
  }
  return { base, stop, log: () => log, child };
}

// ---------------------------------------------------------------- browser helpers

const notes = []; // UI findings, printed at the end

/**
 * App bugs already reported to the lead.  By default they are printed as "known" lines and do
 * not fail a test; E2E_STRICT=1 makes them failures.  Remove an entry once the bug is fixed.
 */
const STRICT = process.env.E2E_STRICT === '1';
const KNOWN_PROBLEMS = [];
const knownSeen = new Map(); // id -> description
function known(id, ok, what) {
  if (ok) return;
  if (STRICT) throw new AssertionError(`[${id}] ${what}`);
  knownSeen.set(id, what);
}

/** Watch a page for JavaScript errors, console errors and failed requests. */
function watch(page) {
  const problems = [];
  const add = (p) => {
    const k = KNOWN_PROBLEMS.find((x) => x.re.test(p));
    if (k && !STRICT) knownSeen.set(k.id, k.what);
    else if (!problems.includes(p)) problems.push(p);
  };
  page.on('pageerror', (e) => add(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const st = /Failed to load resource: the server responded with a status of (\d+)/.exec(m.text());
    // Responses of the page's own requests are seen below; this catches the browser's own (favicon).
    if (st) add(`HTTP ${st[1]}: GET ${m.location().url}`);
    else add(`console error: ${m.text().slice(0, 160)}`);
  });
  page.on('requestfailed', (r) => add(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) add(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return problems;
}

/** Drops the expected answers (a form sent back with errors is 422; a refused login is 4xx). */
const unexpected = (problems, ...allowed) => [...new Set(problems)].filter((p) => !allowed.some((re) => re.test(p)));

async function newPage(browser, env, opts = {}) {
  const ctx = await browser.newContext({ baseURL: env.base, viewport: PHONE, locale: 'vi-VN', ...opts });
  ctx.setDefaultTimeout(TIMEOUT);
  ctx.setDefaultNavigationTimeout(TIMEOUT);
  env.contexts.push(ctx);
  const page = await ctx.newPage();
  const problems = watch(page);
  return { ctx, page, problems };
}

async function login(page, username, password = PASSWORD) {
  await page.goto('/login');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('main button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

const mainText = (page) => page.locator('main').innerText();

/** Phone-width layout checks (notes, not failures). */
async function layoutNotes(page, name) {
  const r = await page.evaluate(() => {
    const doc = document.documentElement;
    const overflow = doc.scrollWidth - doc.clientWidth;
    const wide = [];
    for (const el of document.querySelectorAll('main *, header *, nav *')) {
      const b = el.getBoundingClientRect();
      if (b.width > 0 && b.right > doc.clientWidth + 1) wide.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}`);
    }
    const small = [];
    for (const el of document.querySelectorAll('a, button, input, select, textarea')) {
      if (el.type === 'hidden' || el.classList.contains('skip')) continue;
      const b = el.getBoundingClientRect();
      if (b.width === 0 || b.height === 0) continue;
      if (b.height < 24 || b.width < 24) {
        const label = (el.innerText || el.value || el.name || el.getAttribute('href') || '').trim().slice(0, 30);
        small.push(`${el.tagName.toLowerCase()} "${label}" ${Math.round(b.width)}×${Math.round(b.height)}`);
      }
    }
    return { overflow, wide: [...new Set(wide)].slice(0, 5), small };
  });
  if (r.overflow > 0) notes.push(`${name}: page scrolls sideways by ${r.overflow}px at 360px (${r.wide.join(', ')})`);
  if (r.small.length) {
    const uniq = [...new Set(r.small)];
    notes.push(`${name}: ${uniq.length} tap target(s) under 24px at 360px, e.g. ${uniq.slice(0, 4).join('; ')}`);
  }
}

/**
 * Screenshots: <name>-phone.png (the first screen on a 360×740 phone), <name>-phone-full.png
 * (the whole page at that width) and <name>-desktop.png (whole page at 1280×800).
 */
async function shot(page, name) {
  const before = page.viewportSize();
  await page.setViewportSize(PHONE);
  await layoutNotes(page, `${name}-phone.png`);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`) });
  await page.screenshot({ path: join(SHOTS, `${name}-phone-full.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(before);
}

/** Checks that every visible form control has a label; returns controls labelled only by wrapping. */
async function labelAudit(page) {
  return page.evaluate(() => {
    const missing = [], implicit = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden') continue;
      const desc = `${el.tagName.toLowerCase()}[name=${el.name}${el.type === 'checkbox' ? ' value=' + el.value : ''}]`;
      if (!el.labels || el.labels.length === 0) { if (!el.getAttribute('aria-label')) missing.push(desc); continue; }
      if (![...el.labels].some((l) => l.htmlFor === el.id && el.id)) implicit.push(desc);
    }
    return { missing, implicit };
  });
}

// ---------------------------------------------------------------- scenarios

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const measured = {}; // page sizes etc., printed at the end

test('1 login page: clean, light, errors in Vietnamese, home shows formatted counts', async (browser, env) => {
  const { page, problems } = await newPage(browser, env);
  // Transferred bytes, as the network sees them (compressed bodies + headers).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const loads = new Map();
  cdp.on('Network.responseReceived', (e) => loads.set(e.requestId, { url: e.response.url, type: e.type, enc: e.response.headers['content-encoding'] || e.response.headers['Content-Encoding'] || '' }));
  let transferred = 0, htmlCss = 0; const parts = [];
  cdp.on('Network.loadingFinished', (e) => {
    const l = loads.get(e.requestId);
    transferred += e.encodedDataLength;
    if (l && (l.type === 'Document' || l.type === 'Stylesheet')) htmlCss += e.encodedDataLength;
    parts.push(`${l ? new URL(l.url).pathname : e.requestId} ${e.encodedDataLength} B${l && l.enc ? ' (' + l.enc + ')' : ''}`);
  });
  await page.goto('/login', { waitUntil: 'networkidle' });
  await cdp.send('Network.disable');
  measured.login = `HTML+CSS ${htmlCss} B transferred; everything ${transferred} B: ${parts.join(', ')}`;
  check(htmlCss > 0 && htmlCss < 15 * 1024, `login page HTML+CSS weighs ${htmlCss} B (limit 15 KB): ${parts.join(', ')}`);
  eq(await page.locator('h1').innerText(), 'Đăng nhập', 'login heading');
  eq(await page.locator('html').getAttribute('lang'), 'vi', 'html lang');
  check(problems.length === 0, `login page problems:\n    ${problems.join('\n    ')}`);
  await shot(page, 'login');

  // Wrong password.
  await page.fill('#username', 'xa.luongbang');
  await page.fill('#password', 'sai-mat-khau-roi');
  await page.click('main button[type=submit]');
  await page.waitForLoadState('load');
  const alert = await page.locator('[role=alert]').innerText();
  check(alert.includes('Tên đăng nhập hoặc mật khẩu không đúng'), `wrong-password message: ${alert}`);
  eq(await page.inputValue('#username'), 'xa.luongbang', 'username kept after a failed login');
  eq(await page.inputValue('#password'), '', 'password not echoed back');
  await shot(page, 'login-error');
  const refused = unexpected(problems, /^HTTP 4\d\d: (POST|GET) \S*\/login/);
  check(refused.length === 0, `problems after a wrong password:\n    ${refused.join('\n    ')}`);
  problems.length = 0;

  // Right password.
  await page.fill('#password', PASSWORD);
  await page.click('main button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/');
  eq(await page.locator('h1').innerText(), 'Tổng quan', 'home heading');
  const bigs = await page.locator('.card .big').allInnerTexts();
  check(bigs.length === 3, `three count cards on the commune home, got ${bigs.length}`);
  measured.communeCounts = bigs.join(' / ');
  for (const b of bigs) {
    check(/^\d{1,3}(\.\d{3})*$/.test(b), `count "${b}" is not formatted with dots for thousands`);
  }
  const households = Number(bigs[1].replace(/\./g, ''));
  check(households >= 1000, `the commune should have ≥ 1000 households, sees ${bigs[1]}`);
  check(bigs[1].includes('.'), `household count ${bigs[1]} lacks a thousands dot`);
  check(problems.length === 0, `home page problems:\n    ${problems.join('\n    ')}`);
});

/** Scenario 2, reused with JavaScript disabled (scenario 7). */
async function cellSecretaryFlow(browser, env, { tag, phone, contextOpts = {} }) {
  const { page, problems } = await newPage(browser, env, contextOpts);
  await login(page, 'bt.bangngang');
  eq(new URL(page.url()).pathname, '/', 'landed on home');
  await page.click('nav.menu >> text=Hộ gia đình');
  await page.waitForURL((u) => u.pathname === '/households');
  check((await page.locator('h1').innerText()).startsWith('Hộ gia đình'), 'households heading');

  // Vietnamese order of given names, walking pages until the Đ names are passed.
  const seen = [];
  for (let i = 0; i < 12; i++) {
    seen.push(...(await page.locator('table.stack tbody tr td:nth-child(2)').allInnerTexts()));
    const givens = seen.map(givenName);
    if (givens.some((g) => viKey(g)[0] > ALPHABET.indexOf('đ'))) break;
    const next = page.locator('.pager a', { hasText: 'Trang sau' });
    if ((await next.count()) === 0) break;
    const before = page.url();
    await next.first().click();
    await page.waitForURL((u) => u.href !== before);
  }
  const givens = seen.map(givenName);
  for (let i = 1; i < givens.length; i++) {
    check(viCompare(givens[i - 1], givens[i]) <= 0, `given names out of Vietnamese order: "${seen[i - 1]}" before "${seen[i]}"`);
  }
  const lastD = givens.map((g, i) => (fold(g)[0] === 'd' && !g.toLowerCase().startsWith('đ') ? i : -1)).filter((i) => i >= 0).pop();
  const firstDj = givens.findIndex((g) => g.toLowerCase().startsWith('đ'));
  check(firstDj >= 0, `no given name starting with Đ in the first ${seen.length} rows`);
  if (lastD !== undefined) check(lastD < firstDj, `"${seen[lastD]}" (D) comes after "${seen[firstDj]}" (Đ)`);
  env.orderNote = `checked ${seen.length} rows; D names before Đ names (first Đ: ${seen[firstDj]})`;

  // Search without diacritics.
  await page.fill('#q', 'nguyen van');
  await page.click('form[role=search] button[type=submit]');
  await page.waitForURL((u) => u.searchParams.get('q') === 'nguyen van');
  eq(await page.inputValue('#q'), 'nguyen van', 'search text kept in the box');
  const found = await page.locator('table.stack tbody tr td:nth-child(2)').allInnerTexts();
  check(found.length > 0, 'search "nguyen van" found nothing');
  check(found.some((n) => n.includes('Nguyễn Văn')), `no "Nguyễn Văn" in results: ${found.slice(0, 5).join(', ')}`);
  for (const n of found) check(fold(n).includes('nguyen van'), `"${n}" does not match "nguyen van"`);
  if (tag === 'js') await shot(page, 'households-search');

  // Open a household (the second result, to leave the first for other runs).
  const link = page.locator('table.stack tbody tr td:nth-child(2) a').nth(tag === 'js' ? 0 : 1);
  const name = (await link.innerText()).trim();
  await link.click();
  await page.waitForURL(/\/households\/[^/]+$/);
  const showUrl = page.url();
  check((await page.locator('h1').innerText()).includes(name), `detail heading shows "${name}"`);
  if (tag === 'js') await shot(page, 'household-detail');

  // Edit with an invalid phone: errors in Vietnamese next to the field, typed values kept.
  await page.click('main a.button:has-text("Sửa")');
  await page.waitForURL(/\/edit$/);
  const xom = `Xóm Thử ${tag}`;
  await page.fill('#xom', xom);
  await page.fill('#phone', '12345');
  await page.click('main form button[type=submit]:has-text("Lưu")');
  await page.waitForLoadState('load');
  const fieldErr = await page.locator('#phone + p.field-error').innerText();
  check(/Số điện thoại .*12345.* không đúng/.test(fieldErr), `phone field error: "${fieldErr}"`);
  check((await page.locator('[role=alert]').innerText()).includes('Có lỗi'), 'summary alert "Có lỗi"');
  eq(await page.inputValue('#phone'), '12345', 'typed phone kept');
  eq(await page.inputValue('#xom'), xom, 'typed xóm kept');
  eq(await page.inputValue('#head_name'), name, 'head name kept');
  const otherErrors = (await page.locator('p.field-error').allInnerTexts()).filter((t) => t.trim());
  eq(otherErrors.length, 1, `only the phone field has an error (got ${otherErrors.join(' | ')})`);
  if (tag === 'js') await shot(page, 'household-form-errors');

  // Fix it.
  await page.fill('#phone', phone);
  await page.click('main form button[type=submit]:has-text("Lưu")');
  await page.waitForURL((u) => u.href === showUrl);
  const shown = await mainText(page);
  check(shown.replace(/\s/g, '').includes(phone.replace(/\s/g, '')), `saved phone ${phone} not shown:\n${shown}`);
  check(shown.includes(xom), `saved xóm "${xom}" not shown`);
  const bad = unexpected(problems, /^HTTP 422: (POST|GET) /); // the invalid form comes back as 422
  check(bad.length === 0, `problems:\n    ${bad.join('\n    ')}`);
}

test('2 cell secretary: list order, search without diacritics, edit with error then fix', async (browser, env) => {
  await cellSecretaryFlow(browser, env, { tag: 'js', phone: '0912345678' });
});

test('3 add a household with support categories and comma-decimal coordinates', async (browser, env) => {
  const { page, problems } = await newPage(browser, env);
  await login(page, 'bt.bangngang');
  await page.goto('/households');
  await page.click('main a.button:has-text("Thêm mới")');
  await page.waitForURL((u) => u.pathname === '/households/new');
  const name = 'Đỗ Thị Thử Nghiệm';
  await page.fill('#head_name', name);
  await page.fill('#xom', 'Xóm Chùa');
  await page.fill('#house_no', '7');
  await page.fill('#phone', '0987 654 321');
  await page.fill('#size', '4');
  await page.fill('#latitude', '20,7421');
  await page.fill('#longitude', '106,0633');
  await page.getByLabel('Hộ nghèo', { exact: true }).check();
  await page.getByLabel('Có người khuyết tật', { exact: true }).check();
  await shot(page, 'household-new-filled');
  await page.click('main form button[type=submit]:has-text("Lưu")');
  await page.waitForURL(/\/households\/[0-9a-f-]{36}$/);
  eq((await page.locator('h1').innerText()).includes(name), true, 'new household heading');
  const row = async (th) => (await page.locator('main table tr', { has: page.locator('th', { hasText: th }) }).first().locator('td').innerText()).trim();
  const coords = await row('Vĩ độ');
  check(/20[.,]7421/.test(coords) && /106[.,]0633/.test(coords), `coordinates shown as "${coords}"`);
  const support = await row('Diện hỗ trợ').catch(async () => (await mainText(page)));
  check(support.includes('Hộ nghèo') && /Khuyết tật/i.test(support), `support categories shown as "${support}"`);
  check((await mainText(page)).includes('0987'), 'phone shown');
  await shot(page, 'household-new-saved');
  check(problems.length === 0, `problems:\n    ${problems.join('\n    ')}`);
});

test('3b household page on a phone: the responsible-member table keeps its column labels', async (browser, env) => {
  const { page, problems } = await newPage(browser, env);
  await login(page, 'bt.bangngang');
  await page.goto('/households');
  await page.locator('main table a[href^="/households/"]').first().click();
  await page.waitForURL(/\/households\/[0-9a-f-]{36}$/);
  const history = page.locator('main table.stack').first();
  await history.waitFor();
  // Stacked cells on a 360px screen: each one says which column it is.
  const labels = await history.locator('tbody tr').first().locator('td').evaluateAll((tds) =>
    tds.map((td) => getComputedStyle(td, '::before').content));
  for (const want of ['Đảng viên phụ trách', 'Từ ngày', 'Đến ngày']) {
    check(labels.some((l) => l.includes(want)), `stacked cell labelled "${want}": ${labels.join(' | ')}`);
  }
  await history.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'household-history-phone.png') });
  check(problems.length === 0, `problems:\n    ${problems.join('\n    ')}`);
});

test('4 language switch to English and back keeps the page', async (browser, env) => {
  const { page, problems } = await newPage(browser, env);
  await login(page, 'bt.bangngang');
  await page.goto('/households?q=nguyen+van&sort=code');
  const url = page.url();
  await page.click('header button:has-text("English")');
  await page.waitForLoadState('load');
  eq(page.url(), url, 'same URL after switching to English');
  check((await page.locator('h1').innerText()).startsWith('Households'), `English heading: ${await page.locator('h1').innerText()}`);
  eq(await page.locator('html').getAttribute('lang'), 'en', 'html lang after switch');
  eq(await page.inputValue('#q'), 'nguyen van', 'search kept');
  await shot(page, 'households-en');
  await page.click('header button:has-text("Tiếng Việt")');
  await page.waitForLoadState('load');
  eq(page.url(), url, 'same URL after switching back');
  check((await page.locator('h1').innerText()).startsWith('Hộ gia đình'), 'Vietnamese heading again');
  // Also from a page with an id in the path, signed out.
  const { page: p2 } = await newPage(browser, env);
  await p2.goto('/login');
  await p2.click('header button:has-text("English")');
  await p2.waitForLoadState('load');
  eq(new URL(p2.url()).pathname, '/login', 'login page after switching language signed out');
  eq(await p2.locator('h1').innerText(), 'Sign in', 'English login heading');
  check(problems.length === 0, `problems:\n    ${problems.join('\n    ')}`);
});

test('5 keyboard-only login; every form control has a label', async (browser, env) => {
  const { page, problems } = await newPage(browser, env);
  await page.goto('/login');
  const order = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => { const a = document.activeElement; return a.id || a.className || a.tagName; });
    order.push(id);
    if (id === 'username') break;
  }
  eq(order[0], 'skip', 'first Tab stop is the skip link');
  check(await page.locator('a.skip').isVisible(), 'skip link visible when focused');
  eq(order[order.length - 1], 'username', `Tab reaches the username field (order: ${order.join(' → ')})`);
  await page.keyboard.type('bt.bangngang');
  await page.keyboard.press('Tab');
  eq(await page.evaluate(() => document.activeElement.id), 'password', 'Tab from username goes to password');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === '/');
  eq(await page.locator('h1').innerText(), 'Tổng quan', 'home after keyboard login');

  const results = [];
  for (const path of ['/households/new', '/households', '/login']) {
    await page.goto(path);
    const { missing, implicit } = await labelAudit(page);
    check(missing.length === 0, `${path}: controls without a label: ${missing.join(', ')}`);
    if (implicit.length) results.push(`${path}: ${implicit.length} control(s) labelled by a wrapping <label> without for= (${implicit.slice(0, 2).join(', ')}…)`);
  }
  // The household form with errors: is the error tied to its field for screen readers?
  await page.goto('/households/new');
  await page.fill('#head_name', 'Thử Bàn Phím');
  await page.fill('#phone', '12345');
  await page.click('main form button[type=submit]:has-text("Lưu")');
  await page.waitForLoadState('load');
  const a11y = await page.evaluate(() => {
    const el = document.getElementById('phone');
    return { invalid: el.getAttribute('aria-invalid'), describedby: el.getAttribute('aria-describedby') };
  });
  if (a11y.invalid !== 'true' || !a11y.describedby) results.push(`/households/new with errors: #phone has no aria-invalid/aria-describedby; the error text is not announced with the field`);
  for (const r of results) notes.push(`a11y ${r}`);
  const bad = unexpected(problems, /^HTTP 422: (POST|GET) /);
  check(bad.length === 0, `problems:\n    ${bad.join('\n    ')}`);
});

test('6 admin creates a user, the user logs in, admin disables, the user is signed out', async (browser, env) => {
  const { page: admin, problems } = await newPage(browser, env, { viewport: DESKTOP });
  await login(admin, 'admin');
  await admin.click('nav.menu >> text=Người dùng');
  await admin.waitForURL((u) => u.pathname === '/admin/users');
  const username = `thu.e2e${Date.now() % 100000}`;
  const password = 'mat-khau-thu-2024';
  await admin.fill('#username', username);
  await admin.fill('#display_name', 'Người Dùng Thử');
  await admin.fill('#password', password);
  await admin.selectOption('#role', 'cell_secretary');
  await admin.fill('#unit', '12280/Bằng Ngang');
  await admin.click('main form button[type=submit]:has-text("Lưu")');
  await admin.waitForLoadState('load');
  const status = await admin.locator('[role=status]').innerText();
  check(status.includes(username), `confirmation after creating: "${status}"`);
  const row = admin.locator('table.stack tbody tr', { has: admin.locator('td', { hasText: username }) });
  eq(await row.count(), 1, 'new user listed once');
  const rowText = await row.innerText();
  check(rowText.includes('Bằng Ngang'), `unit shown in the row: ${rowText}`);
  check(rowText.includes('Bí thư chi bộ thôn'), `role shown by its name: ${rowText}`);
  await shot(admin, 'admin-users');
  const labels = await labelAudit(admin);
  check(labels.missing.length === 0, `/admin/users: controls without a label: ${labels.missing.join(', ')}`);

  const { page: user, problems: userProblems } = await newPage(browser, env);
  await login(user, username, password);
  eq(new URL(user.url()).pathname, '/', 'new user lands on home');
  eq(await user.locator('h1').innerText(), 'Tổng quan', 'new user sees the overview');
  check((await mainText(user)).includes('Bằng Ngang'), 'new user sees their village role');

  await row.locator('button:has-text("Khóa tài khoản")').click();
  await admin.waitForLoadState('load');
  await admin.waitForURL((u) => u.pathname === '/admin/users');
  check((await row.innerText()).includes('Đã khóa'), `row marked disabled: ${await row.innerText()}`);

  await user.goto('/households');
  eq(new URL(user.url()).pathname, '/login', 'disabled user sent to the login page');
  eq(await user.locator('h1').innerText(), 'Đăng nhập', 'login page heading');
  // And cannot sign in again.
  await user.fill('#username', username);
  await user.fill('#password', password);
  await user.click('main button[type=submit]');
  await user.waitForLoadState('load');
  check((await user.locator('[role=alert]').innerText()).length > 0, 'disabled user gets an error on sign-in');
  eq(new URL(user.url()).pathname, '/login', 'disabled user stays on the login page');
  check(problems.length === 0, `admin problems:\n    ${problems.join('\n    ')}`);
  const bad = unexpected(userProblems, /^HTTP 4\d\d: (POST|GET) \S*\/login/);
  check(bad.length === 0, `user problems:\n    ${bad.join('\n    ')}`);
});

test('7 scenario 2 with JavaScript disabled', async (browser, env) => {
  await cellSecretaryFlow(browser, env, { tag: 'nojs', phone: '0388 123 456', contextOpts: { javaScriptEnabled: false } });
});

test('8 screenshots: home for every role, units, audit log', async (browser, env) => {
  const failures = [];
  for (const u of DEMO_USERS) {
    const { page, problems, ctx } = await newPage(browser, env);
    await login(page, u);
    if (new URL(page.url()).pathname !== '/') { failures.push(`${u}: landed on ${page.url()}`); continue; }
    const h1 = await page.locator('h1').innerText();
    if (h1 !== 'Tổng quan') failures.push(`${u}: home heading "${h1}"`);
    for (const b of await page.locator('.card .big').allInnerTexts()) {
      if (!/^\d{1,3}(\.\d{3})*$/.test(b)) failures.push(`${u}: count "${b}" badly formatted`);
    }
    await shot(page, `home-${u}`);
    if (u === 'xa.luongbang') {
      await page.goto('/units/c-12280');
      if (!(await page.locator('h1').innerText()).includes('Lương Bằng')) failures.push(`units/c-12280 heading: ${await page.locator('h1').innerText()}`);
      await shot(page, 'units-c-12280');
      await page.goto('/households');
      await shot(page, 'households-commune');
      await page.goto('/members');
      await shot(page, 'members-commune');
    }
    if (u === 'bt.bangngang') {
      await page.goto('/households');
      await shot(page, 'households');
    }
    if (u === 'kiemtra.hungyen') {
      await page.goto('/audit');
      eq(await page.locator('h1').innerText(), 'Nhật ký truy cập', 'audit heading');
      const rows = await page.locator('table.stack tbody tr').count();
      if (rows === 0) failures.push('audit log is empty');
      await shot(page, 'audit-kiemtra');
    }
    if (problems.length) failures.push(`${u}: ${problems.join('; ')}`);
    await ctx.close();
  }
  check(failures.length === 0, failures.join('\n    '));
});

// ---------------------------------------------------------------- runner

async function main() {
  rmSync(SHOTS, { recursive: true, force: true }); // our own, git-ignored output
  mkdirSync(SHOTS, { recursive: true });
  let server, browser;
  let passed = 0, failed = 0;
  const cleanup = () => { try { server?.stop(); } catch { /* ignore */ } };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });
  try {
    server = await startServer();
    // launch() always gives Chromium a fresh temporary profile (it refuses --user-data-dir).
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: TIMEOUT,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    for (const t of tests) {
      if (ONLY && !ONLY.test(t.name)) continue;
      const env = { base: server.base, contexts: [] };
      const started = Date.now();
      try {
        await t.fn(browser, env);
        passed++;
        console.log(`ok    ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failed++;
        console.log(`FAIL  ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n    ${(e instanceof AssertionError ? e.message : e.stack || e).toString().split('\n').join('\n    ')}`);
        const pages = env.contexts.flatMap((c) => c.pages());
        const last = pages[pages.length - 1];
        if (last) await last.screenshot({ path: join(SHOTS, `FAILED-${t.name.split(' ')[0]}.png`), fullPage: true }).catch(() => {});
      } finally {
        if (env.orderNote) measured.order = env.orderNote;
        for (const c of env.contexts) await c.close().catch(() => {});
      }
    }
  } catch (e) {
    failed++;
    console.log(`FAIL  setup\n    ${e.stack || e}`);
  } finally {
    await browser?.close().catch(() => {});
    cleanup();
  }
  for (const [k, v] of Object.entries(measured)) console.log(`measured ${k}: ${v}`);
  for (const n of notes) console.log(`note  ${n}`);
  for (const [id, what] of knownSeen) console.log(`known app bug [${id}]: ${what}`);
  console.log(`screenshots in ${SHOTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
