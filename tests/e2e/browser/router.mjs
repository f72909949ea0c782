// Signs in as an admin in Debian's headless Chromium at phone and desktop sizes, opens /admin/router, reads
// the held-out figures, sets the auto-apply threshold through the form and saves screenshots.
// Prints one JSON line; pytest asserts on it. Usage: node router.mjs BASE_URL ARTIFACT_DIR EMAIL PASSWORD
import { launchChromium } from "./common.mjs";

const [base, outDir, email, password] = process.argv.slice(2);
const browser = await launchChromium();
const results = [];
try {
  for (const [name, width, height, value] of [["phone", 390, 844, "90%"], ["desktop", 1366, 768, "0.75"]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    await page.goto(base + "/admin/router", { waitUntil: "load" });
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(base + "/admin/router");
    const accuracy = await page.locator('[data-field="accuracy"]').innerText();
    const departments = await page.locator("tr[data-department]").count();
    const matrixCells = await page.locator("table.matrix td").count();
    const overflowBefore = await overflow();
    await page.screenshot({ path: `${outDir}/router-admin-${name}.png`, fullPage: true });
    await page.getByLabel("Apply from confidence").fill(value);
    await page.getByRole("button", { name: "Save threshold" }).click();
    await page.waitForURL(base + "/admin/router?done=threshold-saved");
    const notice = await page.locator(".notice").innerText();
    const threshold = await page.locator('[data-field="threshold"]').innerText();
    const overflowAfter = await overflow();
    await page.screenshot({ path: `${outDir}/router-threshold-${name}.png`, fullPage: true });
    results.push({ name, accuracy, departments, matrixCells, notice, threshold,
                   overflows: { before: overflowBefore, after: overflowAfter }, errors });
    await page.context().clearCookies();
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
