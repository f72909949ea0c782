// Reading flows in Debian's headless Chromium at phone and desktop sizes: sign in, search, open a thread
// from a result, open its author's identity page; a department member opens another department's queue.
// Saves screenshots and prints one JSON line (a list of results) for pytest to assert on.
// Usage: node flows.mjs BASE_URL ARTIFACT_DIR AGENT_EMAIL MEMBER_EMAIL PASSWORD
import { launchChromium, sideways } from "./common.mjs";

const [base, outDir, agentEmail, memberEmail, password] = process.argv.slice(2);
const browser = await launchChromium();

async function signIn(page, email) {
  await page.goto(base + "/", { waitUntil: "load" });
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(base + "/");
}


const results = [];
try {
  for (const [name, width, height] of [["phone", 390, 844], ["desktop", 1366, 768]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    let expect403 = false;  // Chromium logs the refused page's status as a console error: that one is wanted
    page.on("console", (m) => {
      if (m.type() === "error" && !(expect403 && m.text().includes("status of 403"))) errors.push(m.text());
    });
    let dialogs = 0;
    page.on("dialog", async (d) => { dialogs += 1; await d.dismiss(); });
    const overflow = {};

    await signIn(page, agentEmail);
    await page.locator("details.more summary").click();  // the filters panel opens without script
    overflow.filters = await sideways(page);
    await page.screenshot({ path: `${outDir}/flows-filters-${name}.png`, fullPage: false });

    await page.getByRole("searchbox", { name: "Search" }).fill("PRAW");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForLoadState("load");
    const searchUrl = page.url();
    const found = await page.locator("li.item").count();
    const foundText = await page.locator("li.item .text").first().innerText();
    overflow.search = await sideways(page);
    await page.screenshot({ path: `${outDir}/flows-search-${name}.png`, fullPage: false });

    await page.locator("li.item").first().getByRole("link", { name: /in thread/ }).click();
    await page.waitForLoadState("load");
    const threadUrl = page.url();
    const thread = page.locator("ol.thread li.item");
    const threadItems = await thread.count();
    const indents = [];
    for (let i = 0; i < threadItems; i += 1) {
      indents.push(await thread.nth(i).evaluate((el) => el.getBoundingClientRect().left));
    }
    const threadFacts = await page.locator("dl.facts").innerText();
    overflow.thread = await sideways(page);
    await page.screenshot({ path: `${outDir}/flows-thread-${name}.png`, fullPage: true });

    await thread.first().locator("a.author").click();
    await page.waitForLoadState("load");
    const identityUrl = page.url();
    const identityName = await page.locator("h1").innerText();
    const identityItems = await page.locator("li.item").count();
    overflow.identity = await sideways(page);
    await page.screenshot({ path: `${outDir}/flows-identity-${name}.png`, fullPage: true });

    // a thread whose author's display name and text are markup: shown as text, and no sideways scroll
    await page.goto(base + "/?q=lamp", { waitUntil: "load" });
    await page.locator("li.item").first().getByRole("link", { name: /in thread/ }).click();
    await page.waitForLoadState("load");
    const hostileName = await page.locator("li.item a.author").first().innerText();
    overflow.hostile = await sideways(page);
    await page.screenshot({ path: `${outDir}/flows-hostile-${name}.png`, fullPage: true });

    await page.goto(base + "/departments/service", { waitUntil: "load" });
    const queueItems = await page.locator("li.item").count();
    overflow.queue = await sideways(page);
    await page.screenshot({ path: `${outDir}/flows-queue-${name}.png`, fullPage: false });
    await page.context().clearCookies();

    await signIn(page, memberEmail);
    const memberItems = await page.locator("li.item").count();
    expect403 = true;
    const response = await page.goto(base + "/departments/sales", { waitUntil: "load" });
    const refusedStatus = response.status();
    const refusal = await page.locator("main").innerText();
    overflow.refusal = await sideways(page);
    await page.screenshot({ path: `${outDir}/flows-refused-${name}.png`, fullPage: false });
    expect403 = false;
    await page.goto(base + "/", { waitUntil: "load" });  // error pages carry no navigation
    await page.getByRole("link", { name: "My department" }).click();
    await page.waitForLoadState("load");
    const ownQueue = await page.locator("li.item").count();

    results.push({ name, searchUrl, found, foundText, threadUrl, threadItems, indents, threadFacts, identityUrl,
                   identityName, identityItems, hostileName, queueItems, memberItems, refusedStatus, refusal, ownQueue,
                   overflow, dialogs, errors });
    await page.context().clearCookies();
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
