// Signs in in Debian's headless Chromium at phone and desktop sizes, opens an identity page and reads the
// stored customer profile section; checks nothing scrolls sideways and saves screenshots. Prints one JSON line.
// Usage: node profiles.mjs BASE_URL ARTIFACT_DIR EMAIL PASSWORD IDENTITY_PATH
import { launchChromium } from "./common.mjs";

const [base, outDir, email, password, path] = process.argv.slice(2);
const browser = await launchChromium();
const results = [];
try {
  for (const [name, width, height] of [["phone", 390, 844], ["desktop", 1366, 768]]) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await page.goto(base + "/login", { waitUntil: "load" });
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(base + "/");
    await page.goto(base + path, { waitUntil: "load" });
    const section = page.locator("section.customer-profile");
    const fields = await section.locator("dt").allInnerTexts();
    const band = await section.locator(".band").innerText();
    const salesChannel = await section.locator(".sales-field .preferred").innerText();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    await section.screenshot({ path: `${outDir}/profile-${name}.png` });
    results.push({ name, fields, band, salesChannel, overflow, errors });
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
