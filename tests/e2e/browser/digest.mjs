// Signs in as a department member in Debian's headless Chromium at phone and desktop sizes, opens the digest,
// switches to the daily period with the form, and saves screenshots. Prints one JSON line; pytest asserts on it.
// Usage: node digest.mjs BASE_URL ARTIFACT_DIR EMAIL PASSWORD DATE
import { launchChromium } from "./common.mjs";

const [base, outDir, email, password, day] = process.argv.slice(2);
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
    await page.goto(`${base}/digest?period=weekly&date=${day}`, { waitUntil: "load" });
    const weeklyUrl = page.url();
    const weekly = {
      messages: await page.locator("#kpi-messages").innerText(),
      sla: await page.locator("#kpi-sla").innerText(),
      topics: await page.locator(".digest-topics li").count(),
      options: await page.locator("select[name=department] option").count(),
    };
    const overflowWeekly = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    await page.screenshot({ path: `${outDir}/digest-weekly-${name}.png`, fullPage: true });
    await page.getByLabel("Period").selectOption("daily");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/period=daily/);
    const dailyUrl = page.url();
    const dailyMessages = await page.locator("#kpi-messages").innerText();
    const overflowDaily = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    await page.screenshot({ path: `${outDir}/digest-daily-${name}.png`, fullPage: true });
    results.push({ name, weeklyUrl, weekly, dailyUrl, dailyMessages, overflow: overflowWeekly || overflowDaily, errors });
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
