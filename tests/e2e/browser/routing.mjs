// An admin creates a routing rule in Debian's headless Chromium (phone and desktop), sees its 7-day count,
// tests a condition, follows a previewed conversation and reads why it was routed. Prints one JSON line.
// Usage: node routing.mjs BASE_URL ARTIFACT_DIR EMAIL PASSWORD
import { launchChromium } from "./common.mjs";

const [base, outDir, email, password] = process.argv.slice(2);
const browser = await launchChromium();
const results = [];
try {
  for (const [name, width, height] of [["phone", 390, 844], ["desktop", 1366, 768]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    // the rejected form answers 400 on purpose; any other console error counts
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().includes("status of 400")) errors.push(m.text());
    });
    const overflows = {};
    const overflow = async (key) => {
      overflows[key] = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    };
    await page.goto(base + "/admin/routing", { waitUntil: "load" });
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(base + "/admin/routing");
    await page.getByRole("link", { name: "Add rule" }).click();
    await page.waitForURL(base + "/admin/routing/rules/new");
    const ruleName = `Negative batteries (${name})`;
    await page.getByLabel("Name", { exact: true }).fill(ruleName);
    await page.getByLabel("Condition").fill("batter* AND NOT");
    await page.getByLabel(/^Department/).selectOption("service");
    await page.getByLabel("Tag", { exact: true }).fill(`neg-${name}`);
    await page.getByRole("button", { name: "Add rule" }).click();
    const formError = await page.locator(".error").innerText();
    await overflow("form");
    await page.screenshot({ path: `${outDir}/routing-rule-form-${name}.png`, fullPage: true });
    await page.getByLabel("Condition").fill("batter* AND sentiment:negative");
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.waitForURL(base + "/admin/routing?done=rule-created");
    const notice = await page.locator(".notice").innerText();
    const row = page.locator("tr", { hasText: ruleName });
    const rowText = await row.innerText();
    const seededCount = await page.locator("tr", { hasText: "Battery complaints" }).locator(".rule-count").innerText();
    await overflow("list");
    await page.screenshot({ path: `${outDir}/routing-rules-${name}.png`, fullPage: true });
    await row.getByRole("link", { name: "Test" }).click();
    await page.waitForLoadState("load");
    const preview = await page.locator(".preview-count").innerText();
    await page.locator(".preview a").first().click();
    await page.waitForLoadState("load");
    const why = await page.locator(".routing-why").innerText();
    await overflow("conversation");
    await page.screenshot({ path: `${outDir}/routing-explanation-${name}.png`, fullPage: true });
    results.push({ name, formError, notice, rowText, seededCount, preview, why, overflows, errors });
    await page.context().clearCookies();
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
