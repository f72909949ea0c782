// An agent goes from an identity to its person's page and unlinks one identity, in Debian's headless
// Chromium at phone and desktop width (one person each: unlinking changes it). Prints one JSON line.
// Usage: node person.mjs BASE_URL ARTIFACT_DIR EMAIL PASSWORD PHONE_IDENTITY_ID DESKTOP_IDENTITY_ID
import { launchChromium } from "./common.mjs";

const [base, outDir, email, password, phoneIdentity, desktopIdentity] = process.argv.slice(2);
const browser = await launchChromium();
const results = [];
try {
  for (const [name, width, height, identity] of [
    ["phone", 390, 844, phoneIdentity],
    ["desktop", 1366, 768, desktopIdentity],
  ]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    const overflows = {};
    const overflow = async (key) => {
      overflows[key] = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    };
    await page.goto(`${base}/identities/${identity}`, { waitUntil: "load" });
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/identities/${identity}`);
    await overflow("identity");
    await page.locator("dd.person a").click();
    await page.waitForURL(/\/people\/[0-9a-f]{32}$/);
    const personUrl = page.url();
    const before = await page.locator(".person-identity").count();
    const evidence = await page.locator(".person-evidence").first().innerText();
    await overflow("person");
    await page.screenshot({ path: `${outDir}/person-${name}.png`, fullPage: true });
    await page.locator(".person-identity").first().getByRole("button", { name: "Unlink" }).click();
    await page.waitForURL(`${personUrl}?done=unlinked`);
    const notice = await page.locator(".person-notice").innerText();
    const after = await page.locator(".person-identity").count();
    const former = await page.locator(".person-former summary").innerText();
    await overflow("unlinked");
    results.push({ name, before, after, evidence, notice, former, overflows, errors });
    await page.context().clearCookies();
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
