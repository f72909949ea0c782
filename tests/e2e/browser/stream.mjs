// Opens the Stream page in Debian's headless Chromium at phone and desktop sizes, pages to the older
// items, and saves screenshots. Prints one JSON line per check; pytest asserts on them.
// Usage: node stream.mjs BASE_URL ARTIFACT_DIR
import { launchChromium } from "./common.mjs";

const [base, outDir, email, password] = process.argv.slice(2);
const browser = await launchChromium();
const results = [];
try {
  for (const [name, width, height] of [["phone", 390, 844], ["desktop", 1366, 768]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    let dialogs = 0;
    page.on("dialog", async (d) => { dialogs += 1; await d.dismiss(); });
    await page.goto(base + "/", { waitUntil: "load" });
    const loginUrl = page.url();
    await page.screenshot({ path: `${outDir}/login-${name}.png`, fullPage: false });
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(base + "/");
    const items = await page.locator("li.item").count();
    const first = await page.locator("li.item .text").first().innerText();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    await page.screenshot({ path: `${outDir}/stream-${name}.png`, fullPage: false });
    await page.getByRole("link", { name: "Older »" }).click();
    await page.waitForLoadState("load");
    const olderItems = await page.locator("li.item").count();
    const olderFirst = await page.locator("li.item .text").first().innerText();
    await page.screenshot({ path: `${outDir}/stream-older-${name}.png`, fullPage: false });
    results.push({ name, loginUrl, items, first, overflow, olderItems, olderFirst, dialogs, errors, url: page.url() });
    await page.context().clearCookies();
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
