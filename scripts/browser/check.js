// The plugin's pages in a real browser (Debian's Chromium through playwright-core), on the Jenkins that
// scripts/jenkins-demo runs: logs in, creates the job "release" from docs/examples/Jenkinsfile when it is missing,
// builds it (or, with --no-build, takes its last finished build), waits for the end, then visits each page, takes a
// full-page screenshot 1400 px wide into the output folder, and records what went wrong on it: console errors,
// uncaught page errors, same-origin requests answered 4xx/5xx (the favicon aside) and Content-Security-Policy
// violations. Prints a table of the counts; exits 1 when any page has any, or when a fact of the story fails.
//
//   node check.js --out DIR --password-file FILE [--url URL] [--job NAME] [--jenkinsfile FILE] [--no-build]
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

function parseArgs(argv) {
  const a = {
    url: process.env.JENKINS_URL || "http://127.0.0.1:5120/jenkins/",
    job: "release",
    out: null,
    passwordFile: null,
    jenkinsfile: null,
    build: true,
    chromium: process.env.CHROMIUM || "/usr/bin/chromium",
    buildTimeout: 30 * 60,
  };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    if (k === "--url") a.url = v();
    else if (k === "--job") a.job = v();
    else if (k === "--out") a.out = v();
    else if (k === "--password-file") a.passwordFile = v();
    else if (k === "--jenkinsfile") a.jenkinsfile = v();
    else if (k === "--no-build") a.build = false;
    else if (k === "--chromium") a.chromium = v();
    else if (k === "--build-timeout") a.buildTimeout = Number(v());
    else throw new Error("unknown argument " + k);
  }
  if (!a.url.endsWith("/")) a.url += "/";
  if (!a.out || !a.passwordFile) throw new Error("--out and --password-file are required");
  return a;
}

const args = parseArgs(process.argv);
const base = args.url;
const origin = new URL(base).origin;
const jobUrl = base + "job/" + encodeURIComponent(args.job) + "/";
const WIDTH = 1400;

const results = []; // { page, file, consoleErrors: [], pageErrors: [], failedRequests: [], csp: [] }
const facts = []; // { fact, ok, detail }

function log(...m) {
  console.error("browser-check:", ...m);
}

function fact(name, ok, detail) {
  facts.push({ fact: name, ok: !!ok, detail: detail || "" });
  log((ok ? "ok    " : "FAILED") + " " + name + (detail ? ": " + detail : ""));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function xmlEscape(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function jobConfigXml(script) {
  return (
    "<?xml version='1.1' encoding='UTF-8'?>\n" +
    '<flow-definition plugin="workflow-job">\n' +
    "  <description>The demo story: docs/examples/Jenkinsfile</description>\n" +
    "  <keepDependencies>false</keepDependencies>\n" +
    "  <properties/>\n" +
    '  <definition class="org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition" plugin="workflow-cps">\n' +
    "    <script>" + xmlEscape(script) + "</script>\n" +
    "    <sandbox>true</sandbox>\n" +
    "  </definition>\n" +
    "  <triggers/>\n" +
    "  <disabled>false</disabled>\n" +
    "</flow-definition>\n"
  );
}

/** Watches one page: console errors, page errors, failed same-origin requests, CSP violations. */
function watch(page, name) {
  // a violation shows twice: Chromium's console message and the securitypolicyviolation event; counted once
  const r = { page: name, file: "", consoleErrors: [], pageErrors: [], failedRequests: [], csp: [], cspConsole: [],
    layout: [] };
  results.push(r);
  page.on("console", (msg) => {
    const text = msg.text();
    if (text.startsWith("CSP-VIOLATION ")) {
      r.csp.push(text.replace(/^CSP-VIOLATION /, ""));
    } else if (/Refused to |Content Security Policy/.test(text)) {
      r.cspConsole.push(text);
    } else if (msg.type() === "error") {
      const loc = msg.location();
      // a 4xx/5xx is counted once, as a failed request
      if (/^Failed to load resource: the server responded with a status of/.test(text)) return;
      r.consoleErrors.push(text + (loc && loc.url ? " (" + loc.url + ":" + loc.lineNumber + ")" : ""));
    }
  });
  page.on("pageerror", (e) => r.pageErrors.push(String(e && e.stack ? e.stack.split("\n").slice(0, 3).join(" | ") : e)));
  page.on("response", (resp) => {
    const u = resp.url();
    if (!u.startsWith(origin)) return;
    if (/favicon/.test(u)) return;
    if (resp.status() >= 400) r.failedRequests.push(resp.status() + " " + resp.request().method() + " " + u);
  });
  page.on("requestfailed", (req) => {
    const u = req.url();
    const err = req.failure() ? req.failure().errorText : "";
    // a page that reloads itself aborts what it was still loading: not a failure of the server
    if (!u.startsWith(origin) || /ERR_ABORTED/.test(err) || /favicon/.test(u)) return;
    r.failedRequests.push("failed " + req.method() + " " + u + " " + err);
  });
  return r;
}

async function shot(page, r, file, opts = {}) {
  const p = path.join(args.out, file);
  await page.screenshot({ path: p, fullPage: opts.fullPage !== false, animations: "disabled" });
  r.file = file;
  log("screenshot " + p);
}

async function crumbHeaders(request) {
  const resp = await request.get(base + "crumbIssuer/api/json");
  if (!resp.ok()) return {};
  const c = await resp.json();
  return { [c.crumbRequestField]: c.crumb };
}

async function getJson(request, url) {
  const resp = await request.get(url);
  if (!resp.ok()) throw new Error("GET " + url + ": " + resp.status());
  return resp.json();
}

async function main() {
  fs.mkdirSync(args.out, { recursive: true });
  // what an earlier check could not finish is not this one's
  for (const f of fs.readdirSync(args.out)) if (/^failed-.*\.png$/.test(f)) fs.rmSync(path.join(args.out, f));
  const password = fs.readFileSync(args.passwordFile, "utf8").trim();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "browser-check-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: args.chromium,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: WIDTH, height: 1000 },
    deviceScaleFactor: 1,
    locale: "en-US",
    timezoneId: "UTC",
  });
  // CSP violations as the page sees them (besides Chromium's own "Refused to ..." console messages)
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.log("CSP-VIOLATION " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " in " +
        (e.sourceFile || document.location.href) + ":" + e.lineNumber);
    });
  });
  try {
    await run(context, password);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function login(context, password) {
  const page = await context.newPage();
  const r = watch(page, "login");
  await page.goto(base + "login", { waitUntil: "load" });
  await page.fill("input[name=j_username]", "admin");
  await page.fill("input[name=j_password]", password);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("button[name=Submit], input[name=Submit], button[type=submit]")]);
  const who = await getJson(context.request, base + "whoAmI/api/json");
  fact("logged in as admin", who.name === "admin" && who.authenticated, "whoAmI: " + who.name);
  if (who.name !== "admin") throw new Error("login failed: " + page.url());
  await page.close();
  return r;
}

async function ensureJob(context) {
  const request = context.request;
  const exists = await request.get(jobUrl + "api/json");
  if (exists.ok()) {
    log("job " + args.job + " exists");
    return;
  }
  const jenkinsfile = args.jenkinsfile || path.join(__dirname, "..", "..", "docs", "examples", "Jenkinsfile");
  const resp = await request.post(base + "createItem?name=" + encodeURIComponent(args.job), {
    headers: Object.assign({ "Content-Type": "application/xml" }, await crumbHeaders(request)),
    data: jobConfigXml(fs.readFileSync(jenkinsfile, "utf8")),
  });
  if (!resp.ok()) throw new Error("createItem: " + resp.status() + " " + (await resp.text()).slice(0, 500));
  log("created job " + args.job + " from " + jenkinsfile);
}

async function buildAndWait(context) {
  const request = context.request;
  let number;
  if (args.build) {
    const resp = await request.post(jobUrl + "build?delay=0sec", {
      headers: await crumbHeaders(request),
      maxRedirects: 0,
    });
    if (resp.status() !== 201) throw new Error("build: " + resp.status());
    const queue = resp.headers()["location"];
    log("queued " + queue);
    const t0 = Date.now();
    while (number === undefined) {
      if (Date.now() - t0 > 120000) throw new Error("the build did not leave the queue within 2 minutes");
      const q = await getJson(request, queue.replace(/\/?$/, "/") + "api/json");
      if (q.cancelled) throw new Error("the build was cancelled in the queue");
      if (q.executable) number = q.executable.number;
      else await sleep(1000);
    }
    log("build #" + number + " started");
  } else {
    const job = await getJson(request, jobUrl + "api/json?tree=lastCompletedBuild[number]");
    if (!job.lastCompletedBuild) throw new Error("--no-build: the job has no finished build");
    number = job.lastCompletedBuild.number;
    log("using the last finished build #" + number);
  }
  const runUrl = jobUrl + number + "/";
  const t0 = Date.now();
  let lastStage = "";
  for (;;) {
    const b = await getJson(request, runUrl + "api/json?tree=building,result,duration");
    if (!b.building) {
      if (args.build) log("build #" + number + " finished: " + b.result + " after " + Math.round((Date.now() - t0) / 1000) + " s");
      return { number, runUrl, result: b.result };
    }
    if ((Date.now() - t0) / 1000 > args.buildTimeout) throw new Error("build #" + number + " still runs after " + args.buildTimeout + " s");
    const wf = await request.get(runUrl + "wfapi/describe");
    if (wf.ok()) {
      const d = await wf.json();
      const s = (d.stages || []).map((x) => x.name + " " + x.status).join(", ");
      if (s !== lastStage) log("  " + s);
      lastStage = s;
    }
    await sleep(5000);
  }
}

/**
 * Layout: a page wider than the window scrolls sideways (reported as a warning, not a failure); the widest
 * elements that stick out of the main panel are named.
 */
async function checkLayout(page, r) {
  const found = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scroll = document.documentElement.scrollWidth;
    if (scroll <= width + 1) return null;
    const panel = document.querySelector("#main-panel") || document.body;
    const right = panel.getBoundingClientRect().right;
    // the widest pieces of text that reach past the panel: what cannot wrap
    const leaves = [...panel.querySelectorAll("*")]
      .filter((e) => e.children.length === 0 && (e.textContent || "").trim() && e.getBoundingClientRect().right > right + 1)
      .map((e) => ({ e, w: e.getBoundingClientRect().width }))
      .sort((a, b) => b.w - a.w)
      .slice(0, 2);
    const culprits = leaves.map(({ e, w }) => "<" + e.tagName.toLowerCase() + "> " + Math.round(w) + " px wide: " +
      (e.textContent || "").trim().slice(0, 70));
    return "the page is " + scroll + " px wide in a " + width + " px window" + (culprits.length ? "; " + culprits.join("; ") : "");
  });
  if (found) r.layout.push(found);
}

async function visit(context, name, url, file, prepare) {
  const page = await context.newPage();
  const r = watch(page, name);
  try {
    await page.goto(url, { waitUntil: "load" });
    if (/\/login/.test(new URL(page.url()).pathname)) throw new Error(name + ": redirected to the login page");
    if (prepare) await prepare(page, r);
    await page.waitForLoadState("networkidle").catch(() => {});
    await sleep(500);
    await checkLayout(page, r);
    if (file) await shot(page, r, file, prepare && prepare.fullPage === false ? { fullPage: false } : {});
  } catch (e) {
    r.pageErrors.push("check: " + e.message);
    log(name + ": " + e.message);
    try {
      await shot(page, r, "failed-" + (file || name + ".png"));
    } catch (ignored) {
      // nothing more to show
    }
  } finally {
    await page.close();
  }
  return r;
}

async function run(context, password) {
  await login(context, password);
  await ensureJob(context);
  const build = await buildAndWait(context);
  const request = context.request;
  const runUrl = build.runUrl;
  fact("the run's result is UNSTABLE", build.result === "UNSTABLE", "result " + build.result);

  const wf = await getJson(request, runUrl + "wfapi/describe");
  const stages = (wf.stages || []).map((x) => x.name + " " + x.status).join(", ");
  fact("stages: version 1 and 2 SUCCESS, version 3 UNSTABLE (yellow)",
    stages === "version 1 SUCCESS, version 2 SUCCESS, version 3 UNSTABLE", stages);
  const head = await request.get(runUrl);
  const csp = head.headers()["content-security-policy"];
  fact("Jenkins enforces a Content-Security-Policy", !!csp && /script-src/.test(csp), csp ? csp.slice(0, 90) + "..." : "no header");

  const runApi = await getJson(request, runUrl + "api/json?depth=2");
  const actions = (runApi.actions || []).filter((a) => a && a._class);
  const canaries = actions.filter((a) => /CanaryAnalysisAction$/.test(a._class));
  const provenance = actions.find((a) => /ProvenanceAction$/.test(a._class));
  const scans = actions.filter((a) => /ScanReportAction$/.test(a._class));
  // version 1 enters an empty prod directly: versions 2 and 3 are canaries
  fact("prod's canaries judged PASS (version 2), FAIL (version 3)", canaries.map((c) => c.verdict).join(",") === "PASS,FAIL",
    canaries.map((c) => c.environment + " " + c.verdict).join(", "));
  fact("three images baked", provenance && provenance.images && provenance.images.length === 3,
    provenance ? provenance.images.map((i) => i.reference).join(", ") : "no provenance action");
  fact("three scan reports", scans.length === 3, scans.map((s) => s.verdict).join(", "));
  const version2 = provenance && provenance.images[1] ? provenance.images[1].digest : null;
  const bad = canaries[canaries.length - 1];
  const badUrl = bad ? runUrl + "immutable-canary-" + bad.deployment.replace(/[^A-Za-z0-9_-]/g, "_") + "/" : null;

  // the run's page: the plugin's summaries
  let scanHref = null;
  let graphHref = null;
  await visit(context, "run", runUrl, "jenkins-run.png", async (page) => {
    await page.waitForSelector("text=Scan of", { timeout: 15000 });
    scanHref = await page.$eval("a[href*='immutable-scan-']", (a) => a.href).catch(() => null);
    graphHref = await page
      .$eval("a[href$='/stages'], a[href$='/stages/'], a[href*='pipeline-overview'], a[href*='pipeline-graph']", (a) => a.href)
      .catch(() => null);
    const text = await page.innerText("#main-panel");
    fact("the run page shows the plugin's summaries",
      /Scan of/.test(text) && /immutable-/.test(await page.content()) && /FAIL/.test(text), "");
  });

  await visit(context, "provenance", runUrl + "immutable-provenance/", "jenkins-provenance.png", async (page) => {
    const text = await page.innerText("#main-panel");
    fact("the provenance page lists version 2's digest", version2 && text.includes(version2.replace(/^sha256:/, "").slice(0, 12)), version2 || "");
  });

  await visit(context, "scan", scanHref || runUrl + "immutable-scan-image/", "jenkins-scan.png", async (page) => {
    await page.waitForSelector("table", { timeout: 15000 });
    const text = await page.innerText("#main-panel");
    fact("the scan page shows busybox's finding", /CVE-2023-42366|busybox/i.test(text), "");
  });

  await visit(context, "canary", badUrl || runUrl, "jenkins-canary.png", async (page) => {
    const charts = await page.$$(".immutable-canary-chart");
    if (charts.length === 0) throw new Error("no .immutable-canary-chart on the page");
    await page.waitForFunction(
      (n) => document.querySelectorAll(".immutable-canary-chart canvas").length >= n, charts.length, { timeout: 20000 });
    await sleep(1500); // echarts' first animation
    const text = await page.innerText("#main-panel");
    fact("the third version's canary page says FAIL", /:\s*FAIL\b/.test(text) || /\bFAIL\b/.test(text.split("\n").slice(0, 6).join(" ")),
      text.split("\n").slice(0, 4).join(" / "));
    fact("the canary page draws its charts", true, charts.length + " chart(s) with a canvas");
  });

  await visit(context, "promotions", runUrl + "immutable-promotions/", "jenkins-promotions.png", async (page) => {
    const headings = await page.$$eval("#main-panel h2", (hs) => hs.map((h) => h.textContent.trim()));
    const promotions = headings.filter((h) => /^PROMOTE /.test(h));
    fact("the promotions page lists nine promotions", promotions.length === 9, promotions.length + ": " + promotions.join(", "));
  });

  await visit(context, "environments", jobUrl + "immutable-environments/", "jenkins-environments.png", async (page) => {
    const t0 = Date.now();
    for (;;) {
      await page.waitForLoadState("load").catch(() => {});
      const reading = await page.$("[data-immutable-reading]").catch(() => "navigating");
      if (reading === null) break;
      if (Date.now() - t0 > 90000) throw new Error("the Environments page still reads after 90 s");
      await sleep(1000);
    }
    const live = await page.$$eval("#main-panel table:first-of-type tbody tr", (rows) =>
      rows.map((tr) => ({ name: (tr.querySelector("strong") || {}).textContent, live: (tr.querySelector("code") || {}).textContent })));
    const prod = live.find((e) => e.name === "prod");
    fact("prod's live digest on the Environments page is version 2's", prod && version2 && (prod.live || "").includes(version2),
      "prod " + (prod ? prod.live : "missing") + ", version 2 " + version2);
  });

  await visit(context, "delivery", base + "delivery/", "jenkins-delivery.png", async (page) => {
    const t0 = Date.now();
    for (;;) {
      await page.waitForLoadState("load").catch(() => {});
      const reading = await page.$("[data-immutable-reading]").catch(() => "navigating");
      if (reading === null) break;
      if (Date.now() - t0 > 90000) throw new Error("the Delivery page still measures after 90 s");
      await sleep(1000);
    }
    const charts = await page.$$(".immutable-canary-chart");
    if (charts.length === 0) throw new Error("no chart on the Delivery page");
    await page.waitForFunction(
      (n) => document.querySelectorAll(".immutable-canary-chart canvas").length >= n, charts.length, { timeout: 20000 });
    await sleep(1500); // echarts' first animation
    const rows = await page.$$eval(".immutable-delivery-table tbody tr", (trs) => trs.map((tr) => tr.innerText.replace(/\s+/g, " ").trim()));
    fact("the Delivery page has a row for prod", rows.some((r) => /^prod\b/.test(r)), rows.join(" | "));
    fact("the Delivery page draws its charts", true, charts.length + " chart(s) with a canvas");
  });

  await visit(context, "configure", base + "manage/configure", "jenkins-configure.png", Object.assign(async (page) => {
    const save = await page.$("button[name=Submit], #bottom-sticker button.jenkins-button--primary");
    const saveText = save ? (await save.innerText()).trim() : "";
    fact("Manage Jenkins > System has its Save button", save && /Save/i.test(saveText), saveText);
    const section = page.locator(".jenkins-section__title, h2", { hasText: "Immutable Delivery" }).first();
    await section.waitFor({ timeout: 15000 });
    fact("Manage Jenkins > System has the Immutable Delivery section", true, "");
    await page.setViewportSize({ width: WIDTH, height: 2200 });
    await section.evaluate((e) => {
      const y = e.getBoundingClientRect().top + window.scrollY - 70;
      window.scrollTo(0, y);
    });
    await sleep(500);
  }, { fullPage: false }));

  await visit(context, "snippet promoteImage", jobUrl + "pipeline-syntax/", "jenkins-snippet-promoteImage.png", async (page) => {
    const choice = await page.evaluate(() => {
      for (const s of document.querySelectorAll("select")) {
        for (const o of s.options) {
          if (/^promoteImage\b/.test(o.textContent.trim())) {
            s.setAttribute("data-check", "steps");
            return o.value;
          }
        }
      }
      return null;
    });
    if (!choice) throw new Error("no promoteImage in the snippet generator's steps");
    await page.selectOption("select[data-check=steps]", choice);
    await page.waitForSelector("text=Environment", { timeout: 15000 }).catch(() => {});
    await sleep(1500);
    const text = await page.innerText("#main-panel");
    fact("the snippet generator shows promoteImage's form", /promoteImage/.test(text), "");
  });

  await visit(context, "graph view", graphHref || runUrl + "stages/", "jenkins-graph-view.png", async (page) => {
    await page.waitForSelector("text=version 3", { timeout: 30000 });
    await sleep(2000);
  });

  await visit(context, "stage view", jobUrl, "jenkins-stage-view.png", async (page) => {
    await page.waitForSelector("text=version 3", { timeout: 30000 });
    await sleep(2000);
  });
}

const cspCount = (r) => Math.max(r.csp.length, r.cspConsole.length);

function report() {
  const cols = ["page", "screenshot", "console errors", "page errors", "failed requests", "CSP violations",
    "wider than the window"];
  const rows = results
    .filter((r) => r.page !== "login" || r.consoleErrors.length + r.pageErrors.length + r.failedRequests.length + cspCount(r) > 0)
    .map((r) => [r.page, r.file, r.consoleErrors.length, r.pageErrors.length, r.failedRequests.length, cspCount(r),
      r.layout.length ? "yes" : "no"]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => String(row[i]).length)));
  const line = (row) => "| " + row.map((v, i) => String(v).padEnd(widths[i])).join(" | ") + " |";
  console.log(line(cols));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  rows.forEach((row) => console.log(line(row)));
  let problems = 0;
  for (const r of results) {
    for (const [kind, list] of [["console error", r.consoleErrors], ["page error", r.pageErrors],
      ["failed request", r.failedRequests], ["CSP violation", r.csp], ["CSP console message", r.cspConsole], ["layout (warning)", r.layout]]) {
      for (const m of list) {
        console.log(r.page + ": " + kind + ": " + m);
      }
    }
    problems += r.consoleErrors.length + r.pageErrors.length + r.failedRequests.length + cspCount(r);
  }
  console.log("");
  for (const f of facts) console.log((f.ok ? "ok     " : "FAILED ") + f.fact + (f.detail ? " (" + f.detail + ")" : ""));
  const failedFacts = facts.filter((f) => !f.ok).length;
  console.log("");
  const wide = results.filter((r) => r.layout.length).length;
  console.log(problems + " problem(s) on the pages, " + failedFacts + " failed fact(s) of " + facts.length +
    (wide ? "; " + wide + " page(s) wider than the window (a warning)" : ""));
  return problems === 0 && failedFacts === 0 && facts.length > 0;
}

main()
  .then(() => process.exit(report() ? 0 : 1))
  .catch((e) => {
    console.error("browser-check: " + (e && e.stack ? e.stack : e));
    report();
    process.exit(2);
  });
