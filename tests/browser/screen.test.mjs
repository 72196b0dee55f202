// The screening page (`asylon serve`, /screen/{policy}) in a real browser: Debian's
// Chromium driven by playwright-core, against the real binary on a loopback port.
//
//   cd tests/browser && npm ci && npm test
//
// needs `target/debug/asylon` (`cargo build`; ASYLON_BIN to use another) and
// /usr/bin/chromium (CHROMIUM to use another). UPDATE_SCREENSHOTS=1 writes the README's
// screenshots to docs/screenshots/; otherwise they are taken into a temporary folder.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const BIN = process.env.ASYLON_BIN || path.join(root, "target/debug/asylon");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const POLICY = path.join(root, "policies/us-mexico-border");
const NAME = "us-mexico-border";
const AS_OF = "2024-06-17";
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? path.join(root, "docs/screenshots")
  : mkdtempSync(path.join(os.tmpdir(), "asylon-shots-"));
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };

// The example cases scripted in both languages; two more in one language each. The
// other examples are screened by the tests of Back (visa holder), of save and resume
// (Haitian arriving by sea), and with JavaScript off (medical emergency).
const EXAMPLES = {
  en: [
    "family_between_ports_during_ban",
    "unaccompanied_child_northwest_mexico",
    "cannot_read_cannot_use_app",
    "detained_70_days_no_screening",
    "negative_screening_in_cbp_custody",
    "entered_14_months_ago_never_applied",
  ],
  es: [
    "family_between_ports_during_ban",
    "unaccompanied_child_northwest_mexico",
    "cannot_read_cannot_use_app",
    "detained_70_days_no_screening",
    "negative_screening_in_cbp_custody",
    "half_facts_unknown",
  ],
};

let server, origin, exitServer, exitUrl, browser;

before(async () => {
  exitServer = http.createServer((_, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end('<!doctype html><html lang="en"><title>Weather</title><h1>Weather</h1></html>');
  });
  await new Promise((r) => exitServer.listen(0, "127.0.0.1", r));
  exitUrl = `http://127.0.0.1:${exitServer.address().port}/weather`;
  server = spawn(
    BIN,
    ["serve", POLICY, "--listen", "127.0.0.1:0", "--quiet", "--quick-exit-url", exitUrl],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const line = await new Promise((resolve, reject) => {
    readline.createInterface({ input: server.stdout }).once("line", resolve);
    server.once("exit", (code) => reject(new Error(`asylon serve exited: ${code}`)));
  });
  origin = line.trim().split(" ").pop();
  assert.match(origin, /^http:\/\/127\.0\.0\.1:\d+$/);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  exitServer?.close();
});

/** The decision `asylon eval` gives for `facts`: holding and undetermined outcome ids. */
function evaluate(facts) {
  // On standard input: facts about a person are not left behind in a file.
  const out = execFileSync(BIN, ["eval", POLICY, "-", "--as-of", AS_OF, "--format", "json"], {
    input: JSON.stringify(facts),
  });
  const d = JSON.parse(out.toString());
  return { holds: d.outcomes.map((o) => o.id), undetermined: d.undetermined.map((o) => o.id) };
}

/**
 * A fresh page (its own context: nothing shared). Every request it makes is recorded,
 * and every document's size.
 */
async function open({ js = true, viewport = DESKTOP, media } = {}) {
  const context = await browser.newContext({ javaScriptEnabled: js, viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.requests = [];
  page.documents = [];
  page.on("request", (r) => page.requests.push(r.url()));
  page.on("response", async (r) => {
    if (r.request().resourceType() === "document" && r.url().startsWith(origin)) {
      try {
        page.documents.push({ url: r.url(), bytes: (await r.body()).length });
      } catch {
        // A download has no body to read here.
      }
    }
  });
  if (media) await page.emulateMedia({ media });
  return page;
}

async function close(page) {
  // Nothing but the server: no CDN, font, analytics.
  const elsewhere = page.requests.filter((u) => !u.startsWith(origin + "/"));
  assert.deepEqual(elsewhere, [], "requests outside the server");
  for (const d of page.documents) assert.ok(d.bytes < 60 * 1024, `${d.url}: ${d.bytes} bytes`);
  await page.context().close();
}

const start = (page, lang = "en") =>
  page.goto(`${origin}/screen/${NAME}?lang=${lang}&as_of=${AS_OF}`);

/** Clicks what submits a form, and waits for the page it leads to. */
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}

/** Which page is shown: `question`, `review` or `results`. */
async function kind(page) {
  if (await page.$("main input[name=fact]")) return "question";
  if (await page.$("main section[data-status], main .legal")) return "results";
  return "review";
}

/** The fact the question on the page is about. */
const asked = (page) => page.getAttribute("main input[name=fact]", "value");

/** The value at a dotted path of a fact object (`null` inside a group given as `null`). */
function lookup(facts, name) {
  let node = facts;
  for (const key of name.split(".")) {
    if (node === null) return null;
    if (typeof node !== "object" || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Answers the question on the page from `facts` ("I don't know" when they do not say). */
async function answer(page, facts) {
  const fact = await asked(page);
  const value = lookup(facts, fact);
  if (value === undefined || value === null) {
    await submit(page, "main button[value=dont_know]");
    return fact;
  }
  const type = await page.getAttribute("main [name=value]", "type");
  if (type === "radio") {
    const v = typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
    await page.check(`main input[name=value][value="${v}"]`);
  } else if (type === "checkbox") {
    for (const item of value) await page.check(`main input[name=value][value="${item}"]`);
  } else {
    await page.fill("main input[name=value]", String(value));
  }
  await submit(page, "main button[value=answer]");
  const error = await page.$("main #err");
  assert.equal(error, null, `${fact} = ${JSON.stringify(value)} refused: ${error && (await error.innerText())}`);
  return fact;
}

/** Answers every question from `facts`, then asks for the results; the facts asked. */
async function screen(page, facts) {
  const asked = [];
  for (let i = 0; i < 100 && (await kind(page)) === "question"; i++) asked.push(await answer(page, facts));
  assert.equal(await kind(page), "review", "the questions end on the review page");
  await submit(page, "main button[value=results]");
  return asked;
}

/** The outcomes on the results page. */
async function outcomes(page) {
  const ids = (status) =>
    page.$$eval(`main section[data-status=${status}]`, (s) => s.map((e) => e.dataset.outcome));
  return { holds: await ids("holds"), undetermined: await ids("undetermined") };
}

/** axe-core on the page as shown: no WCAG 2.2 A/AA violation. */
async function axe(page, what) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    }),
  );
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`);
  assert.deepEqual(found, [], `axe on ${what}`);
}

/** Nothing wider than the window (360 px phones, 200 % zoom). */
async function fits(page, what) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  assert.ok(scroll <= width, `${what}: ${scroll} px wide in a ${width} px window`);
}

for (const lang of ["en", "es"]) {
  for (const example of EXAMPLES[lang]) {
    test(`${example} in ${lang} reaches the outcomes of asylon eval`, async () => {
      const facts = JSON.parse(readFileSync(path.join(root, "examples", `${example}.json`), "utf8"));
      const page = await open();
      await start(page, lang);
      assert.equal(await page.getAttribute("html", "lang"), lang);
      await screen(page, facts);
      assert.equal(await page.getAttribute("html", "lang"), lang);
      assert.deepEqual(await outcomes(page), evaluate(facts));
      await close(page);
    });
  }
}

test('all "I don\'t know" ends with what asylon eval says of no facts', async () => {
  const page = await open();
  await start(page);
  const asked = await screen(page, {});
  assert.ok(asked.length > 5, `asked ${asked}`);
  assert.deepEqual(await outcomes(page), evaluate({}));
  // Each undecided outcome names the answers that would decide it, marked unknown.
  assert.match(await page.innerText("main"), /you answered “I don't know”/);
  await close(page);
});

test("switching language half-way keeps the answers and the question", async () => {
  const facts = JSON.parse(readFileSync(path.join(root, "examples/family_between_ports_during_ban.json"), "utf8"));
  const page = await open();
  await start(page, "en");
  for (let i = 0; i < 3; i++) await answer(page, facts);
  const fact = await asked(page);
  const english = await page.innerText("main h1");
  await submit(page, "header button[value=es]");
  assert.equal(await page.getAttribute("html", "lang"), "es");
  assert.equal(await asked(page), fact);
  assert.notEqual(await page.innerText("main h1"), english);
  assert.match(await page.innerText("main"), /No sé/);
  await screen(page, facts);
  assert.match(await page.innerText("main h1"), /Su resultado/);
  assert.deepEqual(await outcomes(page), evaluate(facts));
  // Back to English on the results page: the same outcomes, in English.
  await submit(page, "header button[value=en]");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.deepEqual(await outcomes(page), evaluate(facts));
  await close(page);
});

test("Back asks the last question again, and review changes an answer", async () => {
  const facts = JSON.parse(readFileSync(path.join(root, "examples/visa_holder.json"), "utf8"));
  const page = await open();
  await start(page);
  assert.equal(await page.$("main button[value=back]"), null, "no Back on the first question");
  const first = await answer(page, facts);
  const second = await asked(page);
  await submit(page, "main button[value=back]");
  assert.equal(await asked(page), first);
  await answer(page, facts);
  assert.equal(await asked(page), second);
  await screen(page, facts);
  assert.deepEqual(await outcomes(page), evaluate(facts));
  // Change the first answer from the review page: the results follow.
  await submit(page, "main button[value=review]");
  await submit(page, `main button[name=change][value="${first}"]`);
  assert.equal(await asked(page), first);
  const changed = structuredClone(facts);
  const path_ = first.split(".");
  let node = changed;
  for (const k of path_.slice(0, -1)) node = node[k];
  node[path_.at(-1)] = !lookup(facts, first);
  await answer(page, changed);
  assert.equal(await kind(page), "review", "a change goes back to the review page");
  await submit(page, "main button[value=results]");
  const after = await outcomes(page);
  const saved = await downloadAnswers(page);
  assert.deepEqual(after, evaluate(saved));
  await close(page);
});

/** Saves the answers; the file's JSON. */
async function downloadAnswers(page) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("footer button[name=save]")]);
  assert.equal(download.suggestedFilename(), "answers.json");
  return JSON.parse(readFileSync(await download.path(), "utf8"));
}

test("save the answers, resume from the file, end where asylon eval does", async () => {
  const facts = JSON.parse(readFileSync(path.join(root, "examples/haitian_arriving_by_sea.json"), "utf8"));
  const page = await open();
  await start(page, "es");
  for (let i = 0; i < 4; i++) await answer(page, facts);
  const next = await asked(page);
  const saved = await downloadAnswers(page);
  // The file holds exactly the answers given, as `asylon eval` reads them.
  for (const [k, v] of Object.entries(saved)) assert.ok(k in facts, `${k}: ${JSON.stringify(v)}`);
  evaluate(saved);
  await close(page);

  const dir = mkdtempSync(path.join(os.tmpdir(), "asylon-saved-"));
  const file = path.join(dir, "answers.json");
  writeFileSync(file, JSON.stringify(saved));
  const again = await open();
  await start(again, "es");
  await again.click("main details.resume summary");
  await again.setInputFiles("main input[type=file]", file);
  await submit(again, "main form[enctype] button");
  // The browser reads the file when the form is sent: removed only then.
  rmSync(dir, { recursive: true });
  assert.equal(await asked(again), next);
  assert.equal(await again.getAttribute("html", "lang"), "es");
  await screen(again, facts);
  assert.deepEqual(await outcomes(again), evaluate(facts));

  // A file that is not a fact file is refused with the diagnostic, next to the form.
  await start(again, "en");
  await again.click("main details.resume summary");
  await again.fill("main textarea", '{"locaton": "central_mexico"}');
  await submit(again, "main form[enctype] button");
  const refused = await again.innerText("main");
  assert.match(refused, /asylon::facts::unknown_fact/);
  assert.match(refused, /location/);
  await axe(again, "a refused file");
  await close(again);
});

test("the results print on one or two pages, in either language", async () => {
  const facts = JSON.parse(readFileSync(path.join(root, "examples/family_between_ports_during_ban.json"), "utf8"));
  for (const lang of ["en", "es"]) {
    const page = await open();
    await start(page, lang);
    await screen(page, facts);
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.isVisible("header.bar"), false);
    assert.equal(await page.isVisible("footer.tools"), false);
    assert.equal(await page.isVisible("main .actions"), false);
    assert.equal(await page.isVisible("main .legal"), true);
    const pdf = await page.pdf({ format: "Letter", printBackground: false });
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.ok(pages >= 1 && pages <= 2, `${lang}: ${pages} printed pages`);
    await close(page);
  }
});

test("the quick exit leaves at once, and Back does not return", async () => {
  for (const js of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled: js });
    const page = await context.newPage();
    await start(page);
    await page.click("header a.quick-exit");
    await page.waitForURL(exitUrl);
    if (js) {
      await page.goBack().catch(() => {});
      assert.ok(!page.url().includes("/screen/"), `Back returned to ${page.url()}`);
    }
    await context.close();
  }
});

test("with JavaScript off, a whole screening works", async () => {
  const facts = JSON.parse(readFileSync(path.join(root, "examples/medical_emergency_at_the_border.json"), "utf8"));
  const page = await open({ js: false, viewport: PHONE });
  await start(page, "es");
  // An answer the library refuses is shown next to the question.
  await submit(page, "main button[value=answer]");
  assert.match(await page.innerText("main #err"), /Elija una respuesta/);
  await screen(page, facts);
  assert.deepEqual(await outcomes(page), evaluate(facts));
  assert.equal(await page.isVisible("#print"), false, "no print button that cannot work");
  const saved = await downloadAnswers(page);
  assert.deepEqual(await outcomes(page), evaluate(saved));
  await close(page);
});

test("keyboard only: choose with the keys and continue with Enter", async () => {
  const page = await open();
  await start(page);
  const first = await asked(page);
  await page.keyboard.press("Tab"); // skip link
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.name === "value")) break;
  }
  await page.keyboard.press("Space");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.notEqual(await asked(page), first);
  await close(page);
});

test("every kind of page passes axe, fits a 360 px phone and 200 % zoom", async () => {
  const facts = JSON.parse(readFileSync(path.join(root, "examples/family_between_ports_during_ban.json"), "utf8"));
  for (const lang of ["en", "es"]) {
    for (const viewport of [DESKTOP, PHONE, { width: 640, height: 450 }]) {
      const page = await open({ viewport });
      const check = async (what) => {
        await axe(page, `${what} (${lang}, ${viewport.width} px)`);
        await fits(page, `${what} (${lang}, ${viewport.width} px)`);
      };
      await start(page, lang);
      await check("the first question");
      await submit(page, "main button[value=answer]");
      await check("a refused answer");
      for (let i = 0; i < 6; i++) await answer(page, facts);
      await check("a question");
      while ((await kind(page)) === "question") {
        if ((await page.getAttribute("main [name=value]", "type")) === "checkbox") await check("a checkbox question");
        if ((await page.getAttribute("main [name=value]", "type")) === "date") await check("a date question");
        await answer(page, facts);
      }
      await check("the review page");
      await submit(page, "main button[value=results]");
      await check("the results page");
      await page.emulateMedia({ media: "print" });
      await check("the printed results");
      await page.goto(`${origin}/screen/no-such-policy`);
      await axe(page, "a page that does not exist");
      await close(page);
    }
  }
});

test("screenshots of the question, results and print pages", async () => {
  const facts = JSON.parse(readFileSync(path.join(root, "examples/family_between_ports_during_ban.json"), "utf8"));
  mkdirSync(SHOTS, { recursive: true });
  for (const lang of ["en", "es"]) {
    for (const [device, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
      const page = await open({ viewport });
      await start(page, lang);
      for (let i = 0; i < 2; i++) await answer(page, facts);
      // JPEG: a dozen pictures in the repository stay under a megabyte.
      const shot = (name) => page.screenshot({ path: path.join(SHOTS, `${name}-${lang}-${device}.jpg`), quality: 70 });
      await shot("question");
      await screen(page, facts);
      await shot("results");
      await page.emulateMedia({ media: "print" });
      await shot("print");
      await close(page);
    }
  }
});

test("first page usable in under 1 s on slow 3G", async () => {
  // WebPageTest's "3G Slow" profile: 400 ms round trip, 400 kbit/s each way. Chrome's own
  // "Slow 3G" preset (2 s latency per request) is measured and reported, not asserted:
  // one request alone takes longer than a second there.
  const profiles = {
    "3G Slow (400 ms, 400 kbit/s)": { latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 },
    "DevTools Slow 3G (2000 ms, 400 kbit/s)": { latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 },
  };
  const figures = {};
  for (const [name, conditions] of Object.entries(profiles)) {
    const page = await open({ viewport: PHONE });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, ...conditions });
    const started = Date.now();
    await start(page, "es");
    const wall = Date.now() - started;
    const [load, paint] = await page.evaluate(() => [
      performance.getEntriesByType("navigation")[0].loadEventEnd,
      performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
    ]);
    figures[name] = { load_ms: Math.round(load), first_contentful_paint_ms: paint && Math.round(paint), wall_ms: wall };
    await close(page);
  }
  console.log("slow 3G, first page:", JSON.stringify(figures));
  const usable = figures["3G Slow (400 ms, 400 kbit/s)"];
  assert.ok(usable.load_ms < 1000, `loaded in ${usable.load_ms} ms`);
});
