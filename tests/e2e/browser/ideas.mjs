// Ideas board in Debian's headless Chromium at phone and desktop sizes: a product designer opens the board,
// opens an idea, changes its status with a reason, and sees it on the page and in the history.
// Prints one JSON line; pytest asserts on it. Usage: node ideas.mjs BASE_URL ARTIFACT_DIR EMAIL PASSWORD
import { launchChromium } from "./common.mjs";

const [base, outDir, email, password] = process.argv.slice(2);
const browser = await launchChromium();
const results = [];
try {
  for (const [name, width, height, status] of [["phone", 390, 844, "under_review"], ["desktop", 1366, 768, "planned"]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    const overflows = {};
    const overflow = async (key) => {
      overflows[key] = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    };
    await page.goto(base + "/ideas", { waitUntil: "load" });
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.goto(base + "/ideas", { waitUntil: "load" });
    const cards = await page.locator(".idea-card").count();
    const firstVotes = await page.locator(".idea-card .votes").first().innerText();
    await overflow("board");
    await page.screenshot({ path: `${outDir}/ideas-board-${name}.png`, fullPage: true });

    await page.getByRole("link", { name: /bottle-cage mount/ }).click();
    await page.waitForURL(/\/ideas\/[0-9a-f]{32}$/);
    await page.locator(".idea-status-form select[name=status]").selectOption(status);
    const reason = `Checked with engineering (${name})`;
    await page.getByLabel("Reason").fill(reason);
    await overflow("form");
    await page.getByRole("button", { name: "Save status" }).click();
    await page.waitForURL(/done=status/);
    const notice = await page.locator(".notice").innerText();
    const shownStatus = await page.locator(".facts .idea-status").innerText();
    const shownReason = await page.locator(".facts .reason").innerText();
    const history = await page.locator(".idea-history").innerText();
    await overflow("idea");
    await page.screenshot({ path: `${outDir}/ideas-idea-${name}.png`, fullPage: true });
    results.push({ name, cards, firstVotes, notice, shownStatus, shownReason, reason, history, overflows, errors });
    await page.context().clearCookies();
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
