// The segment builder and the audience view in Debian's headless Chromium at phone and desktop sizes: an
// analyst previews a segment, saves it, opens the stream filtered by it, then the audience view with its charts.
// Saves screenshots and prints one JSON line for pytest.
// Usage: node segments.mjs BASE_URL ARTIFACT_DIR EMAIL PASSWORD
import { launchChromium, sideways } from "./common.mjs";

const [base, outDir, email, password] = process.argv.slice(2);
const browser = await launchChromium();
const results = [];
try {
  for (const [name, width, height] of [["phone", 390, 844], ["desktop", 1366, 768]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    const overflow = {};
    await page.goto(base + "/login", { waitUntil: "load" });
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(base + "/");

    await page.goto(base + "/segments/new", { waitUntil: "load" });
    const segName = `Reddit creators ${name}`;
    await page.getByLabel("Name").fill(segName);
    await page.getByLabel("Definition", { exact: true }).fill("channel:reddit AND tier:creator");
    await page.getByRole("button", { name: "Preview" }).click();
    await page.waitForLoadState("load");
    const previewCount = await page.locator("#preview-count").innerText();
    const previewMembers = await page.locator(".seg-preview a[href^='/identities/']").count();
    overflow.preview = await sideways(page);
    await page.screenshot({ path: `${outDir}/segments-preview-${name}.png`, fullPage: true });
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForLoadState("load");
    const savedUrl = page.url();
    const memberCount = await page.locator("#member-count").innerText();
    overflow.detail = await sideways(page);

    await page.locator("a[href*='segment=']").first().click();
    await page.waitForLoadState("load");
    const streamUrl = page.url();
    const streamItems = await page.locator("ol.stream > li").count();

    await page.goto(base + "/audience?period=all", { waitUntil: "load" });
    const charts = await page.locator("svg.aud-chart").count();
    const bars = await page.locator("svg.aud-chart rect").count();
    const tables = await page.locator("table.aud-table").count();
    overflow.audience = await sideways(page);
    await page.screenshot({ path: `${outDir}/segments-audience-${name}.png`, fullPage: true });
    results.push({ name, previewCount, previewMembers, savedUrl, memberCount, streamUrl, streamItems, charts, bars,
                   tables, overflow, errors });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
