// Real-browser end-to-end tests for danvan: Playwright (playwright-core) driving
// Debian's Chromium against the demo server.  Usage: see README.md.
//
// Prints one line per test, then "N passed, M failed"; exits 1 when M > 0.
// Screenshots go to e2e/screenshots/ (git-ignored). Every screenshot also checks the phone
// layout rules (no sideways scroll, tap targets ≥ 44 px); test 9 walks every role's pages.

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

/**
 * The phone layout rules, checked on the page as it is: returns one line per violation.
 *  - no horizontal scroll: document.documentElement.scrollWidth <= innerWidth, no element
 *    with overflow-x auto/scroll wider inside than outside, every menu item on screen;
 *  - tap targets at least 44×44 px, for the visible (non-zero box, not visibility:hidden)
 *    elements matching TAP_TARGETS: the header's links and buttons, the menu's links, and
 *    the row actions (links, buttons and form controls inside table cells).
 */
const TAP_TARGETS = [
  'header.top a', 'header.top button', 'header.top select',
  'nav.menu a', 'nav.menu button', 'nav.menu summary',
  'td a', 'td button', 'td select', 'td input:not([type=hidden])',
  'th a', 'th button',
  '.pager a', 'ul.tap-list a',
].join(', ');
const MIN_TAP = 44;
async function layoutViolations(page) {
  return page.evaluate(({ selector, min }) => {
    const out = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth) {
      const wide = [];
      for (const el of document.querySelectorAll('body *')) {
        const b = el.getBoundingClientRect();
        if (b.width > 0 && b.right > window.innerWidth + 1) wide.push(`${el.tagName.toLowerCase()}${el.classList.length ? '.' + [...el.classList].join('.') : ''}`);
      }
      out.push(`scrolls sideways: scrollWidth ${doc.scrollWidth} > innerWidth ${window.innerWidth} (too wide: ${[...new Set(wide)].slice(0, 5).join(', ')})`);
    }
    // A box that scrolls sideways inside the page hides things just the same (the menu did).
    for (const el of document.querySelectorAll('body *')) {
      const ox = getComputedStyle(el).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
        out.push(`${el.tagName.toLowerCase()}${el.classList.length ? '.' + [...el.classList].join('.') : ''} scrolls sideways: ${el.scrollWidth} px in ${el.clientWidth} px`);
      }
    }
    for (const a of document.querySelectorAll('nav.menu a')) {
      const b = a.getBoundingClientRect();
      if (b.left < 0 || b.right > window.innerWidth + 0.5) out.push(`menu item "${a.innerText.trim()}" is off-screen (${Math.round(b.left)}–${Math.round(b.right)} px)`);
    }
    const small = new Map(); // where -> examples
    for (const el of document.querySelectorAll(selector)) {
      const b = el.getBoundingClientRect();
      if (b.width === 0 || b.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (b.width + 0.5 < min || b.height + 0.5 < min) {
        const label = (el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('href') || '').trim().replace(/\s+/g, ' ').slice(0, 30);
        const where = el.closest('header') ? 'header' : el.closest('nav') ? 'menu' : 'row actions';
        if (!small.has(where)) small.set(where, []);
        small.get(where).push(`${el.tagName.toLowerCase()} "${label}" ${Math.round(b.width)}×${Math.round(b.height)}`);
      }
    }
    for (const [where, all] of small) {
      out.push(`${all.length} tap target(s) under ${min}px in the ${where}: ${all.slice(0, 3).join('; ')}${all.length > 3 ? '; …' : ''}`);
    }
    return out;
  }, { selector: TAP_TARGETS, min: MIN_TAP });
}

/**
 * Violations accepted for a reason written in the entry ({ item, user?, path, what }); none
 * today. A stale entry is printed as a note so that it is removed.
 */
const KNOWN_LAYOUT = [];
const knownLayoutSeen = new Map(); // index in KNOWN_LAYOUT -> example
function isKnownLayout(user, path, what) {
  const i = KNOWN_LAYOUT.findIndex((k) => (!k.user || k.user.test(user)) && k.path.test(path) && k.what.test(what));
  if (i < 0) return false;
  if (!knownLayoutSeen.has(i)) knownLayoutSeen.set(i, `${user} ${path}: ${what}`);
  return true;
}

/** The layout rules on the phone viewport; fails the test on any violation not in KNOWN_LAYOUT. */
async function assertPhoneLayout(page, name) {
  const path = new URL(page.url()).pathname;
  const bad = (await layoutViolations(page)).filter((v) => !isKnownLayout('', path, v));
  check(bad.length === 0, `${name} at 360 px:\n    ${bad.join('\n    ')}`);
}

/**
 * Screenshots: <name>-phone.png (the first screen on a 360×740 phone), <name>-phone-full.png
 * (the whole page at that width) and <name>-desktop.png (whole page at 1280×800).
 */
async function shot(page, name) {
  const before = page.viewportSize();
  await page.setViewportSize(PHONE);
  await assertPhoneLayout(page, name);
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
  check(results.length === 0, `accessibility:\n    ${results.join('\n    ')}`);
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

/** WCAG contrast ratio of two computed CSS colours ("rgb(…)" / "rgba(…)"). */
function contrast(fg, bg) {
  const lum = (c) => {
    const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

/** The colour an element's background shows: its own, or the first opaque one behind it. */
async function shownBackground(locator) {
  return locator.evaluate((el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (!/rgba\(.*,\s*0\)$/.test(c) && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  });
}

/** The labels a stacked table shows before its cells on the phone (`td[data-label]::before`). */
async function stackedLabels(page, selector) {
  return page.locator(selector).first().evaluate((table) => {
    const row = table.querySelector('tbody tr');
    const out = [];
    for (const td of row.querySelectorAll('td')) {
      if (td.textContent.trim() === '') continue; // an empty cell needs no label
      const before = getComputedStyle(td, '::before');
      out.push({ label: td.dataset.label || '', content: before.content, display: before.display });
    }
    return { headHidden: getComputedStyle(table.querySelector('thead')).display === 'none', cells: out };
  });
}

test('9 the 1+10 pages on a phone: lock button, moving, map, labelled tables', async (browser, env) => {
  const { page, problems } = await newPage(browser, env);
  await login(page, 'bt.bangngang');
  await page.goto('/assignment');
  await page.click('main table a:text-is("Bằng Ngang")');
  await page.waitForURL((u) => u.pathname.startsWith('/assignment/villages/'));
  const villageUrl = page.url();
  await page.click('main button:text-is("Lập danh sách đề xuất")');
  await page.waitForURL((u) => /^\/assignment\/plans\/[^/]+$/.test(u.pathname));
  const planUrl = page.url();
  await shot(page, 'plan-draft');

  // A member's households, then one household's own page.
  await page.locator('table.members tbody a').first().click();
  await page.waitForURL((u) => u.pathname.includes('/members/'));
  await page.locator('main a:text-is("Chuyển / khóa")').first().click();
  await page.waitForURL((u) => u.pathname.includes('/households/'));
  const hid = new URL(page.url()).pathname.split('/').pop();

  // The lock button can be read: its text contrasts with what is behind it (was white on white).
  const lock = page.locator('main button.lock');
  eq(await lock.innerText(), 'Khóa', 'lock button text');
  const fg = await lock.evaluate((el) => getComputedStyle(el).color);
  const ratio = contrast(fg, await shownBackground(lock));
  check(ratio >= 4.5, `"Khóa" contrast ${ratio.toFixed(2)} (text ${fg}) is under 4.5`);
  const box = await lock.boundingBox();
  check(box.height >= 44, `"Khóa" is ${Math.round(box.height)} px tall`);
  await shot(page, 'plan-household');

  // Move it to another member: back on its row, with a confirmation.
  const other = page.locator('fieldset.pick input[type=radio]:not(:checked)').first();
  const otherLabel = (await other.locator('xpath=..').innerText()).trim();
  await other.check();
  await page.click('main button:text-is("Chuyển hộ")');
  await page.waitForURL((u) => u.pathname.includes('/members/'));
  eq(new URL(page.url()).hash, `#hh-${hid}`, 'the moved row is the anchor');
  const ok = await page.locator('main p.ok[role=status]').innerText();
  check(ok.startsWith('Đã chuyển hộ') && ok.includes(otherLabel.replace(/^\d+\.\s*/, '').replace(/\s+—.*$/, '')), `confirmation: "${ok}" for ${otherLabel}`);
  check(await page.locator(`#hh-${hid}`).isVisible(), 'the moved row is on the page');
  await shot(page, 'plan-member-after-move');

  // The change table labels its cells on the phone (Trước / Sau).
  await page.goto(planUrl);
  const diff = await stackedLabels(page, 'section[aria-labelledby=diff-h] table.stack');
  check(diff.headHidden, 'change table head hidden on the phone');
  for (const want of ['Mã', 'Chủ hộ', 'Trước', 'Sau']) {
    const cell = diff.cells.find((c) => c.label === want);
    check(cell && cell.content.includes(want), `change table cell "${want}" shows its label: ${JSON.stringify(diff.cells)}`);
  }
  await shot(page, 'plan-diff');

  // The village history too.
  await page.goto(villageUrl);
  const hist = await stackedLabels(page, 'main table.stack');
  check(hist.headHidden, 'history head hidden on the phone');
  const labelled = hist.cells.filter((c) => c.label && c.content.includes(c.label) && c.display !== 'none');
  check(labelled.length === hist.cells.length, `history cells without a visible label: ${JSON.stringify(hist.cells)}`);
  await shot(page, 'plan-village-history');

  // The map: numbered dots as links, crosses for the unassigned, a legend of tap targets.
  await page.goto(`${planUrl}/map`);
  const m = await page.evaluate(() => {
    const svg = document.querySelector('svg.plan-map');
    return {
      links: svg.querySelectorAll('a[href^="members/"]').length,
      dots: svg.querySelectorAll('a use').length,
      numbers: [...svg.querySelectorAll('defs text')].map((t) => t.textContent),
      crosses: svg.querySelectorAll('a.uncovered[href^="households/"]').length,
      legend: [...document.querySelectorAll('ol.legend a')].map((a) => ({ text: a.innerText, h: a.getBoundingClientRect().height })),
      swatch: getComputedStyle(document.querySelector('ol.legend .swatch')).backgroundColor,
    };
  });
  check(m.links >= 30 && m.dots > 300, `map links/dots: ${m.links}/${m.dots}`);
  eq(m.numbers[0], '1', 'first member is number 1');
  eq(m.swatch, 'rgb(31, 119, 180)', "the legend's first swatch has the first member's colour");
  check(m.crosses > 0, 'unassigned households are marked');
  check(m.legend.some((l) => l.text.includes('Hộ chưa có người phụ trách')), 'legend lists the unassigned');
  const short = m.legend.filter((l) => l.h < 44);
  check(short.length === 0, `legend entries under 44 px: ${short.map((l) => `${l.text} ${l.h}`).join('; ')}`);
  await page.locator('ol.legend a').first().click();
  await page.waitForURL((u) => u.pathname.includes('/members/'));
  await page.goto(`${planUrl}/map`);
  await shot(page, 'plan-map');

  const bad = unexpected(problems);
  check(bad.length === 0, `problems:\n    ${bad.join('\n    ')}`);
});

/** Where a crawl does not go: downloads, signing out, the API, static files. */
function walkable(url, base) {
  const u = new URL(url, base);
  if (u.origin !== new URL(base).origin) return false;
  if (/\.(docx|xlsx|xls|csv|json|pdf|zip)$/i.test(u.pathname)) return false;
  return !/^\/(logout|static|api|exports|imports\/template)(\/|$)/.test(u.pathname);
}

/** A link's shape: ids and numbers folded, query keys kept, so one link per kind is enough. */
function linkShape(url) {
  const u = new URL(url);
  const segs = u.pathname.split('/').map((seg) => (
    /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(seg) ? '{id}' : /^\d+$/.test(seg) ? '{n}' : /^[a-z]+-[\w.-]+$/.test(seg) && /\d/.test(seg) ? '{unit}' : seg));
  return `${segs.join('/')}?${[...u.searchParams.keys()].sort().join('&')}`;
}

const PAGE_BUDGET = 30 * 1024; // bytes of the HTML document's body as sent (compressed)
const WALK_LIMIT = 30; // pages per role

/**
 * The demo holds approved plans only; the heaviest page is a draft of the biggest village
 * (Bằng Ngang, 412 households), so the walk makes one first, the way the secretary does.
 */
async function draftBangNgang(browser, env) {
  const { page, ctx } = await newPage(browser, env);
  await login(page, 'bt.bangngang');
  await page.goto('/assignment');
  await page.locator('main a[href^="/assignment/villages/"]').first().click();
  await page.waitForURL(/\/assignment\/villages\//);
  await page.click('main form[action$="/draft"] button[type=submit]');
  await page.waitForURL(/\/assignment\/plans\//);
  const url = page.url();
  await ctx.close();
  return url;
}

test('10 every page of every role on the phone: no sideways scroll, tap targets ≥ 44 px, ≤ 30 KB', async (browser, env) => {
  const draft = { url: await draftBangNgang(browser, env), what: 'draft plan' };
  const drafts = new Map([['bt.bangngang', [draft]], ['xa.luongbang', [draft]]]);
  const violations = [];
  const visitedAll = [];
  for (const user of DEMO_USERS) {
    const { page, problems, ctx } = await newPage(browser, env);
    await login(page, user);
    const seen = new Set();
    const shapes = new Set();
    let n = 0;
    const visit = async (url, what = '') => {
      const path = new URL(url).pathname + new URL(url).search + (what ? ` [${what}]` : '');
      seen.add(new URL(url).href);
      problems.length = 0;
      const resp = await page.goto(url, { waitUntil: 'load' });
      const add = (what) => { if (!isKnownLayout(user, path, what)) violations.push(`${user} ${path}: ${what}`); };
      if (!resp || resp.status() !== 200) { add(`answered ${resp ? resp.status() : 'nothing'}`); return false; }
      if (new URL(page.url()).pathname === '/login') { add('sent to the login page'); return false; }
      // The document's body as it came over the wire (gzip when the server compresses).
      const { responseBodySize } = await resp.request().sizes();
      if (responseBodySize > PAGE_BUDGET) add(`${responseBodySize} B transferred (limit ${PAGE_BUDGET} B)`);
      for (const v of await layoutViolations(page)) add(v);
      for (const p of problems) add(p);
      n++;
      visitedAll.push(`${user} ${path} ${responseBodySize} B`);
      const slug = new URL(url).pathname.replace(/[^\w.-]+/g, '_').replace(/^_|_$/g, '').slice(0, 60) || 'home';
      await page.screenshot({ path: join(SHOTS, `walk-${user}-${String(n).padStart(2, '0')}-${slug}-phone.png`) });
      return true;
    };
    const mainLinks = async () => (await page.$$eval('main a[href]', (as) => as.map((a) => (a.hasAttribute('download') ? '' : a.href))))
      .filter((h) => h && walkable(h, env.base)).map((h) => new URL(h).href.replace(/#.*$/, ''));

    // Level 0: the home page and every page of the menu.
    await visit(`${env.base}/`);
    const menu = (await page.$$eval('nav.menu a[href]', (as) => as.map((a) => a.href))).filter((h) => walkable(h, env.base));
    if (menu.length === 0) violations.push(`${user}: no menu`);
    const level1 = [];
    const extra = (drafts.get(user) || []).map((d) => [d.url, d.what]);
    for (const [href, what] of [[`${env.base}/`], ...menu.map((m) => [m]), ...extra]) {
      if (href !== `${env.base}/` && !(await visit(href, what))) continue;
      if (href === `${env.base}/`) await page.goto(href);
      for (const l of await mainLinks()) {
        const shape = linkShape(l);
        if (shapes.has(shape)) continue;
        shapes.add(shape);
        level1.push(l);
      }
    }
    // Level 1: the first link of each kind found on those pages (first household, member, plan…).
    for (const l of level1) {
      if (n >= WALK_LIMIT) break;
      if (seen.has(l)) continue;
      await visit(l);
    }
    await ctx.close();
  }
  measured.walk = `${visitedAll.length} pages; largest: ${visitedAll.sort((a, b) => parseInt(b.split(' ').at(-2)) - parseInt(a.split(' ').at(-2))).slice(0, 3).join(', ')}`;
  check(violations.length === 0, `${violations.length} violation(s):\n    ${violations.join('\n    ')}`);
});

test('11 phone menu: every item on screen, the current page marked, each role its own items', async (browser, env) => {
  const menuOf = async (page) => page.$$eval('nav.menu a', (as) => as.map((a) => {
    const b = a.getBoundingClientRect();
    const st = getComputedStyle(a);
    return { text: a.innerText.trim(), left: b.left, right: b.right, current: a.getAttribute('aria-current'), look: `${st.color} ${st.backgroundColor} ${st.boxShadow}` };
  }));
  const { page } = await newPage(browser, env);
  await login(page, 'xa.luongbang');
  await page.goto('/assignment');
  const items = await menuOf(page);
  const plan = items.find((i) => i.text === 'Phân công 1+10');
  check(plan, `no "Phân công 1+10" in the committee's menu: ${items.map((i) => i.text).join(', ')}`);
  check(plan.left >= 0 && plan.right <= PHONE.width, `"Phân công 1+10" is off-screen at ${Math.round(plan.left)}–${Math.round(plan.right)} px`);
  eq(items.filter((i) => i.current === 'page').map((i) => i.text).join(), 'Phân công 1+10', 'the entry marked aria-current');
  const other = items.find((i) => i.text === 'Hộ gia đình');
  check(plan.look !== other.look, `the current entry looks like the others (${plan.look})`);
  await shot(page, 'menu-committee');

  const { page: member } = await newPage(browser, env);
  await login(member, 'dv.bangngang');
  eq((await menuOf(member)).map((i) => i.text).join(' | '), 'Trang chủ | Hộ tôi phụ trách | Đợt tuyên truyền | Kiến nghị | Đổi mật khẩu', "a member's menu");
  eq((await member.locator('header .who').innerText()).trim(), 'Đảng viên thôn Bằng Ngang', 'the header names the user');
  await shot(member, 'menu-member');

  const { page: secretary } = await newPage(browser, env);
  await login(secretary, 'bt.bangngang');
  await secretary.goto('/account/tokens');
  check((await mainText(secretary)).includes('Chưa có khóa nào'), 'the token page says there is no key yet');
  await shot(secretary, 'menu-secretary-tokens');
});

test('12 audit log on a phone, without JavaScript: words not codes, stacked cells, filters', async (browser, env) => {
  // Something to audit: a secretary opens a household and the list, the committee a plan.
  const sec = await newPage(browser, env);
  await login(sec.page, 'bt.bangngang');
  await sec.page.goto('/households');
  await sec.page.locator('main table a').first().click();
  const com = await newPage(browser, env);
  await login(com.page, 'xa.luongbang');
  await com.page.goto('/assignment');
  const plan = com.page.locator('main a[href^="/assignment/plans/"]').first();
  if (await plan.count()) await plan.click();

  const { page, problems } = await newPage(browser, env, { javaScriptEnabled: false });
  await login(page, 'kiemtra.hungyen');
  const res = await page.goto('/audit');
  const bytes = (await res.body()).length;
  measured.audit_page = `${bytes} bytes`;
  check(bytes < 30_000, `/audit is ${bytes} bytes`);
  const text = await mainText(page);
  for (const code of ['draft_approve', 'assignment_plan', 'household', 'api_token']) {
    check(!text.includes(code), `English code "${code}" on the audit page`);
  }
  check(/Hộ gia đình: \d+ hộ/.test(text), 'a list read says how many households it showed');
  check(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/.test(text), 'times as dd/mm/yyyy HH:MM');
  const layout = await page.evaluate(() => {
    const doc = document.documentElement;
    const td = document.querySelector('table.stack tbody td');
    return {
      overflow: doc.scrollWidth - doc.clientWidth,
      display: td && getComputedStyle(td).display,
      label: td && getComputedStyle(td, '::before').content,
    };
  });
  eq(layout.overflow, 0, 'audit page scrolls sideways at 360px');
  eq(layout.display, 'block', 'audit cells stack on a phone');
  check((layout.label || '').includes('Thời gian'), `stacked cell label: ${layout.label}`);
  await shot(page, 'audit-phone');

  // The filter is a plain GET form.
  await page.selectOption('#action', 'read');
  await page.click('form.toolbar button[type=submit]');
  await page.waitForURL(/action=read/);
  const actions = await page.locator('table.stack tbody td:nth-child(3)').allInnerTexts();
  check(actions.length > 0 && actions.every((a) => a === 'Xem'), `filtered actions: ${actions.join(', ')}`);

  const bad = await page.goto('/audit?from=31/02/2026');
  eq(bad.status(), 400, 'a bad date');
  check((await page.locator('main .alert').innerText()).includes('Ngày chưa đúng'), 'the bad date is explained in Vietnamese');
  await shot(page, 'audit-bad-date');
  const left = unexpected(problems, /HTTP 400: GET .*\/audit\?from=31\/02\/2026/);
  check(left.length === 0, left.join('; '));
});

test('13 member accounts and the member\'s day: the secretary prints the slips; the member signs in, chooses a password, logs a contact, records a campaign delivery; the secretary sees coverage move', async (browser, env) => {
  const { page, problems } = await newPage(browser, env);
  await login(page, 'bt.bangngang');
  await page.goto('/members');
  await page.click('main a[href^="/accounts"]');
  await page.waitForURL((u) => u.pathname === '/accounts');
  await shot(page, 'accounts-secretary');
  const labels = await labelAudit(page);
  check(labels.missing.length === 0, `/accounts: controls without a label: ${labels.missing.join(', ')}`);
  // One member's account: its slip.
  const row = page.locator('table.stack tbody tr', { has: page.locator('button:has-text("Tạo tài khoản")') }).first();
  const name = (await row.locator('td').first().innerText()).trim();
  await row.locator('button:has-text("Tạo tài khoản")').click();
  await page.waitForLoadState('load');
  eq(await page.locator('.slip').count(), 1, 'one slip');
  const slip = page.locator('.slip').first();
  const [username, password] = await slip.locator('dd.mono.big').allInnerTexts();
  check(username.startsWith('dv.') && password.length === 12, `slip shows "${username}" / "${password}"`);
  check((await slip.innerText()).includes(name), `the slip names ${name}`);
  const qr = await slip.locator('svg.qr').boundingBox();
  check(qr && qr.width >= 90 && qr.height >= 90, `the QR code is drawn (${JSON.stringify(qr)})`);
  check((await mainText(page)).includes('chỉ hiện trên trang này'), 'the page says the passwords are shown once');
  await shot(page, 'slip-one');
  // Every member of the village without an account: a page of slips, printed eight to an A4 page.
  await page.goto('/accounts');
  const [sent] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && /\/accounts\/villages\//.test(r.url())),
    page.click('main form[action^="/accounts/villages/"] button[type=submit]'),
  ]);
  await page.waitForLoadState('load');
  const slips = await page.locator('.slip').count();
  check(slips > 5, `${slips} slips for the village`);
  const { responseBodySize } = await sent.request().sizes();
  check(responseBodySize <= PAGE_BUDGET, `the village's slips: ${responseBodySize} B transferred (limit ${PAGE_BUDGET} B)`);
  measured.slips = `${slips} slips in ${responseBodySize} B transferred`;
  await shot(page, 'slips-village');
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 718, height: 1047 }); // A4 less 10 mm margins, at 96 dpi
  await page.screenshot({ path: join(SHOTS, 'slips-print-a4.png') });
  const perPage = await page.$$eval('.slip', (els) => els.filter((e) => e.getBoundingClientRect().bottom <= 1047 + 1).length);
  check(perPage >= 8, `${perPage} slips on the first printed page`);
  // Nothing of a slip is cut off: its text ends inside its box.
  const clipped = await page.$$eval('.slip', (els) => els.slice(0, 8).filter((e) => e.scrollHeight > e.clientHeight + 1).length);
  eq(clipped, 0, 'printed slips whose text overflows');
  check(await page.locator('header.top').isHidden(), 'the header is not printed');
  await page.emulateMedia({ media: 'screen' });
  check(problems.length === 0, `secretary problems:\n    ${problems.join('\n    ')}`);

  // The member signs in with the slip: a new password before anything else.
  const { page: member, problems: memberProblems } = await newPage(browser, env);
  await login(member, username, password);
  eq(new URL(member.url()).pathname, '/account/password', 'the first sign-in lands on the new password');
  eq(await member.locator('nav.menu').count(), 0, 'no menu before the new password');
  eq((await member.locator('header .who').innerText()).trim(), name, 'the header names the member');
  await shot(member, 'password-forced');
  await member.fill('#current', password);
  await member.fill('#new', 'mat-khau-cua-toi-2024');
  await member.fill('#again', 'mat-khau-khac-2024');
  await member.click('main button[type=submit]');
  await member.waitForLoadState('load');
  check((await member.locator('main [role=alert]').allInnerTexts()).join(' ').includes('không khớp'), 'a mismatch is explained');
  await shot(member, 'password-mismatch');
  await member.fill('#current', password);
  await member.fill('#new', 'mat-khau-cua-toi-2024');
  await member.fill('#again', 'mat-khau-cua-toi-2024');
  await member.click('main button[type=submit]');
  await member.waitForURL((u) => u.pathname === '/');
  eq((await member.$$eval('nav.menu a', (as) => as.map((a) => a.innerText.trim()))).join(' | '), 'Trang chủ | Hộ tôi phụ trách | Đợt tuyên truyền | Kiến nghị | Đổi mật khẩu', "the member's menu");
  await shot(member, 'member-home-after-slip');
  await member.click('nav.menu >> text=Đổi mật khẩu');
  await member.waitForURL((u) => u.pathname === '/account/password');
  check((await mainText(member)).includes('Mật khẩu hiện tại'), 'the change-password page asks for the current password');
  await shot(member, 'password-change');

  // The member's day: the secretary notes the village's coverage, the member opens a
  // household from their list, logs a visit in two taps and records the campaign's
  // delivery; the secretary sees the coverage move.
  const coverageOf = async () => {
    await page.goto('/coverage');
    const cell = page.locator('table.stack tbody tr', { hasText: name }).locator('td').nth(2);
    return parseInt((await cell.innerText()).trim(), 10);
  };
  // The commune committee starts a campaign for the member's village.
  const { page: committee } = await newPage(browser, env);
  await login(committee, 'xa.luongbang');
  await committee.goto('/campaigns/new');
  await committee.fill('#title', 'Tuyên truyền Luật Đất đai năm 2024');
  await committee.fill('#body', 'Những điểm mới của Luật Đất đai năm 2024: cấp giấy chứng nhận, bồi thường khi thu hồi đất.');
  const village = await committee.$$eval('#unit_id option', (os) => os.find((o) => o.textContent.includes('Bằng Ngang')).value);
  await committee.selectOption('#unit_id', village);
  const inAWeek = new Date(Date.now() + 7 * 86400e3 + 7 * 3600e3).toISOString().slice(0, 10).split('-').reverse().join('/');
  await committee.fill('#ends_on', inAWeek);
  await shot(committee, 'campaign-new');
  await committee.click('main button[type=submit]');
  await committee.waitForURL((u) => /^\/campaigns\/[^/]+$/.test(u.pathname));
  const before = await coverageOf();
  await shot(page, 'coverage-secretary-before');
  await member.click('nav.menu >> text=Hộ tôi phụ trách');
  await member.waitForURL((u) => u.pathname === '/my-households');
  await shot(member, 'my-households');
  check((await mainText(member)).includes('Chưa tiếp xúc'), 'the list says which households were never contacted');
  await member.click('ul.tasks li a >> nth=0');
  await member.waitForURL((u) => /^\/households\/[^/]+$/.test(u.pathname));
  const card = member.url();
  check((await mainText(member)).includes('Luật Đất đai'), 'the card lists the campaign still to pass on');
  await shot(member, 'household-card-member');
  await member.click('main a:has-text("Ghi lần tiếp xúc")');
  await member.waitForURL((u) => u.pathname.endsWith('/contacts/new'));
  await shot(member, 'contact-form');
  check((await mainText(member)).includes('Không ghi tôn giáo, dân tộc'), 'the form reminds not to record sensitive data');
  await member.check('input[name=topics][value=law]'); // tap one: the topic
  await member.click('main button[type=submit]'); // tap two: save
  await member.waitForURL((u) => u.href.startsWith(card) && u.search.includes('contact=saved'));
  check((await mainText(member)).includes('Đã ghi lần tiếp xúc'), 'the card confirms the contact');
  await shot(member, 'household-card-after-contact');
  await member.click('main a[href*="/delivery"]');
  await member.waitForURL((u) => u.pathname.endsWith('/delivery'));
  await shot(member, 'campaign-delivery');
  await member.click('main button[type=submit]');
  await member.waitForURL((u) => u.href.startsWith(card));
  check(!(await mainText(member)).includes('Luật Đất đai'), 'the campaign is no longer pending on the card');
  const after = await coverageOf();
  eq(after, before + 1, 'the secretary sees one more household reached');
  await shot(page, 'coverage-secretary-after');
  const bad = unexpected(memberProblems, /^HTTP 422: (POST|GET) \S*\/account\/password/); // the mismatch, answered 422
  check(bad.length === 0, `member problems:\n    ${bad.join('\n    ')}`);
});

test('14 a petition round the loop on a phone: the member records it on the household card, the cell forwards it, the commune assigns it, the agency answers, the member delivers the answer and records the household\'s confirmation; the dashboard and the public page count it', async (browser, env) => {
  const bigs = async (page) => Object.fromEntries(await page.$$eval('main .card', (cs) => cs.map((c) => {
    const big = c.querySelector('.big');
    return [c.innerText.replace(big.innerText, '').trim(), big.innerText.trim()];
  })));
  const { page: committee, problems: committeeProblems } = await newPage(browser, env);
  await login(committee, 'xa.luongbang');
  await committee.goto('/petitions/dashboard');
  const before = await bigs(committee);
  const resolvedBefore = Number((before['Hộ xác nhận đã giải quyết'] || '').replace(/\./g, ''));
  check(Number.isInteger(resolvedBefore), `the dashboard's resolved card: ${JSON.stringify(before)}`);

  // The member, on the household card: "Ghi kiến nghị", a category, the household's words.
  const { page: member, problems: memberProblems } = await newPage(browser, env);
  await login(member, 'dv.bangngang');
  await member.click('nav.menu >> text=Hộ tôi phụ trách');
  await member.waitForURL((u) => u.pathname === '/my-households');
  await member.click('ul.tasks li a >> nth=0');
  await member.waitForURL((u) => /^\/households\/[^/]+$/.test(u.pathname));
  const card = new URL(member.url()).pathname;
  await member.click('main a:has-text("Ghi kiến nghị")');
  await member.waitForURL((u) => u.pathname.endsWith('/petitions/new'));
  check((await mainText(member)).includes('Không ghi tôn giáo, dân tộc'), 'the petition form reminds not to record sensitive data');
  const labels = await labelAudit(member);
  check(labels.missing.length === 0, `petition form controls without a label: ${labels.missing.join(', ')}`);
  await member.check('input[name=category][value=infrastructure]');
  await member.fill('#text', 'Đề nghị sửa đèn đường đầu ngõ 7, tối không có đèn');
  await member.check('input[name=named]');
  await shot(member, 'petition-form');
  await member.click('main button[type=submit]');
  await member.waitForURL((u) => u.pathname === card && u.search.includes('petition=saved'));
  check((await mainText(member)).includes('Đã ghi kiến nghị'), 'the card confirms the petition');
  check((await mainText(member)).includes('Kiến nghị của gia đình đã được ghi nhận'), 'the card tells the household what happened, in plain words');
  await shot(member, 'petition-card-recorded');
  const href = await member.locator('main .petition a[href^="/petitions/"]').first().getAttribute('href');
  check(/^\/petitions\/[0-9a-f-]{36}$/.test(href), `the card links the petition: ${href}`);

  // The cell secretary forwards it from their inbox.
  const { page: secretary, problems: secretaryProblems } = await newPage(browser, env);
  await login(secretary, 'bt.bangngang');
  await secretary.click('nav.menu >> text=Kiến nghị');
  await secretary.waitForURL((u) => u.pathname === '/petitions');
  await shot(secretary, 'petition-inbox-cell');
  await secretary.click(`main a[href="${href}"]`);
  await secretary.waitForURL((u) => u.pathname === href);
  await secretary.click('main button:has-text("Chuyển lên xã")');
  await secretary.waitForLoadState('load');
  check((await mainText(secretary)).includes('Đã chuyển lên xã'), 'the petition is forwarded');
  await shot(secretary, 'petition-forwarded');

  // The commune committee assigns it to the commune's People's Committee.
  await committee.goto('/petitions');
  await committee.click(`main a[href="${href}"]`);
  await committee.waitForURL((u) => u.pathname === href);
  await committee.selectOption('#agency', { label: 'UBND xã Lương Bằng' });
  await shot(committee, 'petition-assign');
  await committee.click('main button:has-text("Giao cơ quan giải quyết")');
  await committee.waitForLoadState('load');
  check((await mainText(committee)).includes('Đã giao cơ quan giải quyết'), 'the petition is assigned');

  // The agency's handler answers it, with its legal basis.
  const { page: handler, problems: handlerProblems } = await newPage(browser, env);
  await login(handler, 'ubnd.luongbang');
  await handler.click('nav.menu >> text=Kiến nghị');
  await handler.waitForURL((u) => u.pathname === '/petitions');
  check((await mainText(handler)).includes('Chờ cơ quan trả lời (1)'), "the petition waits in the agency's inbox");
  await handler.click(`main a[href="${href}"]`);
  await handler.waitForURL((u) => u.pathname === href);
  check((await mainText(handler)).includes('đèn đường'), 'the handler reads the request');
  await handler.fill('#answer', 'Xã sẽ lắp đèn đường ngõ 7 trong tuần này.');
  await handler.fill('#basis', 'Kế hoạch chiếu sáng số 05/KH-UBND');
  await shot(handler, 'petition-answer');
  await handler.click('main button:has-text("Lưu câu trả lời")');
  await handler.waitForLoadState('load');
  check((await mainText(handler)).includes('Đã trả lời, chờ chuyển đến hộ'), 'answered is not resolved: it waits for the member');

  // The member delivers the answer at the door; the household confirms it there.
  await member.click('nav.menu >> text=Kiến nghị');
  await member.waitForURL((u) => u.pathname === '/petitions');
  check((await mainText(member)).includes('Câu trả lời cần chuyển đến hộ (1)'), "the answer waits in the member's inbox");
  await member.click(`main a[href="${href}"]`);
  await member.waitForURL((u) => u.pathname === href);
  check((await mainText(member)).includes('Xã sẽ lắp đèn đường'), 'the member reads the answer to deliver');
  await member.check('input[name=then][value=confirm]');
  await shot(member, 'petition-deliver');
  await member.click('main button:has-text("Đã chuyển câu trả lời đến hộ")');
  await member.waitForLoadState('load');
  check((await mainText(member)).includes('Hộ đã xác nhận được giải quyết'), 'the household confirmed: resolved');
  await member.goto(card);
  check((await mainText(member)).includes('Gia đình xác nhận việc đã được giải quyết'), 'the card says the household confirmed');
  await shot(member, 'petition-card-resolved');

  // The dashboard counts it; its public page shows figures only.
  await committee.goto('/petitions/dashboard');
  const after = await bigs(committee);
  eq(Number(after['Hộ xác nhận đã giải quyết'].replace(/\./g, '')), resolvedBefore + 1, 'the dashboard counts one more resolved petition');
  check(await committee.locator('main figure.chart svg').count() === 2, 'two charts on the dashboard');
  await shot(committee, 'petition-dashboard-commune');
  await committee.click('main a:has-text("Trang công khai của xã")');
  await committee.waitForURL((u) => u.pathname === '/cong-khai/12280/kien-nghi');
  const { page: visitor, problems: visitorProblems } = await newPage(browser, env);
  await visitor.goto('/cong-khai/12280/kien-nghi');
  const publicText = await mainText(visitor);
  check(publicText.includes('Xã Lương Bằng') && !publicText.includes('đèn đường'), 'the public page: the commune, no text');
  eq(await visitor.locator('nav.menu').count(), 0, 'no menu for a visitor');
  await shot(visitor, 'petition-public');
  const { page: board } = await newPage(browser, env);
  await login(board, 'bdv.hungyen');
  await board.click('nav.menu >> text=Số liệu kiến nghị');
  await board.waitForURL((u) => u.pathname === '/petitions/dashboard');
  check((await mainText(board)).includes('Theo xã'), "the province's dashboard lists communes");
  await shot(board, 'petition-dashboard-province');
  for (const [who, p] of [['member', memberProblems], ['secretary', secretaryProblems], ['committee', committeeProblems], ['handler', handlerProblems], ['visitor', visitorProblems]]) {
    check(p.length === 0, `${who} problems:\n    ${p.join('\n    ')}`);
  }
});

test('15 a quarterly report on a phone: the committee drafts, edits and submits it; the province returns it with a reason; the committee resubmits; the province accepts', async (browser, env) => {
  const { page: committee, problems: committeeProblems } = await newPage(browser, env);
  await login(committee, 'xa.luongbang');
  await committee.click('nav.menu >> text=Báo cáo định kỳ');
  await committee.waitForURL((u) => u.pathname === '/reports');
  await shot(committee, 'report-list');
  await committee.click('#open-report');
  await committee.waitForURL((u) => /^\/reports\/[0-9a-f-]{36}$/.test(u.pathname));
  const href = new URL(committee.url()).pathname;
  check((await mainText(committee)).includes('Dự thảo'), 'a new report is a draft');
  check((await mainText(committee)).includes('Hộ được tiếp xúc trong kỳ'), 'the draft shows the figures');
  const labels = await labelAudit(committee);
  check(labels.missing.length === 0, `report form controls without a label: ${labels.missing.join(', ')}`);
  await shot(committee, 'report-draft');
  await committee.fill('#shortcomings', 'Một số chi bộ cập nhật chậm.');
  await committee.click('#save-report');
  await committee.waitForURL((u) => u.pathname === href);
  eq(await committee.inputValue('#shortcomings'), 'Một số chi bộ cập nhật chậm.', 'the edit is kept');
  await committee.click('#submit-report');
  await committee.waitForURL((u) => u.pathname === href);
  check((await mainText(committee)).includes('Đã gửi, chờ tiếp nhận'), 'the report is submitted');
  check(/Số \d+-BC\/ĐU/.test(await mainText(committee)), 'the submitted report has its number');

  // The province's board: a return without a reason is refused, with one it goes back.
  const { page: board, problems: boardProblems } = await newPage(browser, env);
  await login(board, 'bdv.hungyen');
  await board.click('nav.menu >> text=Báo cáo định kỳ');
  await board.waitForURL((u) => u.pathname === '/reports');
  check((await mainText(board)).includes('Tình hình gửi báo cáo của các xã'), "the board sees its communes' reports");
  await shot(board, 'report-province');
  await board.click(`#communes a[href="${href}"]`);
  await board.waitForURL((u) => u.pathname === href);
  await board.click('#return-report');
  await board.waitForLoadState('load');
  check((await mainText(board)).includes('Nêu lý do trả lại'), 'a return needs a reason');
  await board.fill('#note', 'Bổ sung kết quả tuyên truyền');
  await board.click('#return-report');
  await board.waitForURL((u) => u.pathname === href);
  check((await mainText(board)).includes('Bị trả lại để bổ sung'), 'the report is returned');

  await committee.goto(href);
  check((await mainText(committee)).includes('Bổ sung kết quả tuyên truyền'), 'the committee reads the reason');
  await committee.fill('#results', (await committee.inputValue('#results')) + '\nĐã tuyên truyền đến các hộ.');
  await committee.click('#save-report');
  await committee.waitForURL((u) => u.pathname === href);
  await committee.click('#submit-report');
  await committee.waitForURL((u) => u.pathname === href);

  await board.goto(href);
  await board.click('#accept-report');
  await board.waitForURL((u) => u.pathname === href);
  check((await mainText(board)).includes('Đã được tiếp nhận'), 'the report is accepted');
  await shot(board, 'report-accepted');
  // The board's dashboard of its communes carries the report's status.
  await board.click('nav.menu >> text=Chỉ tiêu theo đơn vị');
  await board.waitForURL((u) => u.pathname === '/indicators');
  check((await mainText(board)).includes('Xã Lương Bằng') && (await mainText(board)).includes('Đã được tiếp nhận'), "the province's dashboard lists the commune and its report");
  await shot(board, 'indicators-province');
  await committee.goto('/indicators');
  check((await mainText(committee)).includes('Bằng Ngang'), "the commune's dashboard lists its villages");
  await shot(committee, 'indicators-commune');
  await committee.goto(href);
  eq(await committee.locator('#save-report').count(), 0, 'an accepted report cannot be edited');
  await committee.click('main a:has-text("Bản in A4")');
  await committee.waitForURL((u) => u.pathname === `${href}/print`);
  check((await committee.locator('body').innerText()).includes('ĐẢNG CỘNG SẢN VIỆT NAM'), 'the A4 page has the Party heading');
  await committee.setViewportSize({ width: 794, height: 1123 });
  await committee.screenshot({ path: join(SHOTS, 'report-print-a4.png'), fullPage: true });
  // The refused return (no reason) answers 422 by design.
  const boardLeft = unexpected(boardProblems, /HTTP 422: (POST|GET) \S+\/reports\/[0-9a-f-]+\/step$/);
  for (const [who, p] of [['committee', committeeProblems], ['board', boardLeft]]) {
    check(p.length === 0, `${who} problems:\n    ${p.join('\n    ')}`);
  }
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
  KNOWN_LAYOUT.forEach((k, i) => {
    if (knownLayoutSeen.has(i)) console.log(`known (item ${k.item}): ${knownLayoutSeen.get(i)}`);
    else if (!ONLY || ONLY.test('9')) console.log(`note  KNOWN_LAYOUT entry for item ${k.item} matched nothing: remove it`);
  });
  console.log(`screenshots in ${SHOTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
