// Signs in as an admin in Debian's headless Chromium at phone and desktop sizes, adds a channel through the
// Admin form, checks it is listed, and saves screenshots. Prints one JSON line; pytest asserts on it.
// Usage: node admin.mjs BASE_URL ARTIFACT_DIR EMAIL PASSWORD
import { launchChromium } from "./common.mjs";

const [base, outDir, email, password] = process.argv.slice(2);
const browser = await launchChromium();
const secret = "browser-secret-value-123";
const results = [];
try {
  for (const [name, width, height] of [["phone", 390, 844], ["desktop", 1366, 768]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    const overflows = {};
    const overflow = async (key) => {
      overflows[key] = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    };
    await page.goto(base + "/admin", { waitUntil: "load" });
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(base + "/admin");
    await overflow("overview");
    await page.screenshot({ path: `${outDir}/admin-overview-${name}.png`, fullPage: true });

    await page.getByRole("link", { name: /channels/ }).first().click();
    await page.waitForURL(base + "/admin/channels");
    await page.getByRole("link", { name: "Add channel" }).click();
    await page.waitForURL(base + "/admin/channels/new");
    const channel = `support-${name}`;
    await page.getByLabel("Name", { exact: true }).fill(channel);
    await page.getByLabel("Kind").selectOption("mastodon");
    await page.getByLabel("Display name").fill(`Mastodon support (${name})`);
    await page.getByLabel("Account").fill("@help@acme.social");
    await page.getByLabel("Store a secret, encrypted").check();
    await page.getByLabel("Secret", { exact: true }).fill(secret);
    await overflow("form");
    await page.screenshot({ path: `${outDir}/admin-channel-form-${name}.png`, fullPage: true });
    await page.getByRole("button", { name: "Add channel" }).click();
    await page.waitForURL(base + "/admin/channels?done=channel-created");
    const notice = await page.locator(".notice").innerText();
    const row = page.locator(`tr[data-name="${channel}"]`);
    const listed = await row.count();
    const rowText = listed ? await row.innerText() : "";
    const html = await page.content();
    await overflow("list");
    await page.screenshot({ path: `${outDir}/admin-channels-${name}.png`, fullPage: true });

    await page.goto(base + "/admin/users", { waitUntil: "load" });
    await overflow("users");
    await page.screenshot({ path: `${outDir}/admin-users-${name}.png`, fullPage: true });
    await page.goto(base + "/account", { waitUntil: "load" });
    await overflow("account");
    await page.screenshot({ path: `${outDir}/account-${name}.png`, fullPage: true });
    results.push({ name, notice, listed, rowText, secretShown: html.includes(secret), overflows, errors });
    await page.context().clearCookies();
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
