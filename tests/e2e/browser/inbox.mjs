// The inbox flow in Debian's headless Chromium at phone and desktop sizes: a department member opens their
// inbox, opens the first conversation, replies, writes a note mentioning a colleague and resolves it; the
// colleague then sees the notification count. Saves screenshots and prints one JSON line for pytest.
// Usage: node inbox.mjs BASE_URL ARTIFACT_DIR MEMBER_EMAIL AGENT_EMAIL PASSWORD
import { launchChromium, sideways } from "./common.mjs";

const [base, outDir, memberEmail, agentEmail, password] = process.argv.slice(2);
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
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    const overflow = {};

    await signIn(page, memberEmail);
    await page.getByRole("link", { name: "Inbox", exact: true }).click();
    await page.waitForLoadState("load");
    const queueUrl = page.url();
    const queueRows = await page.locator("li.inbox-row").count();
    const firstSla = await page.locator("li.inbox-row .sla").first().innerText();
    overflow.queue = await sideways(page);
    await page.screenshot({ path: `${outDir}/inbox-queue-${name}.png`, fullPage: false });

    await page.locator("li.inbox-row a.open").first().click();
    await page.waitForLoadState("load");
    const conversationUrl = page.url();
    const threadItems = await page.locator("ol.thread li.item").count();
    overflow.conversation = await sideways(page);
    await page.screenshot({ path: `${outDir}/inbox-conversation-${name}.png`, fullPage: true });

    await page.locator("#reply-body").fill(`Thanks, we are on it (${name}).`);
    await page.getByRole("button", { name: "Send reply" }).click();
    await page.waitForLoadState("load");
    const replied = await page.locator("p.done").innerText();
    const statusAfterReply = await page.locator("dl.inbox-facts .status").innerText();
    await page.screenshot({ path: `${outDir}/inbox-replied-${name}.png`, fullPage: false });

    await page.locator("#note-body").fill("@agent can you check the firmware?");
    await page.getByRole("button", { name: "Add note" }).click();
    await page.waitForLoadState("load");
    const noted = await page.locator("p.done").innerText();
    const timelineNote = await page.locator(".timeline .ev-note").first().innerText();

    await page.locator("form.status-form select[name=outcome]").selectOption("sale");
    await page.getByRole("button", { name: "Resolve" }).click();
    await page.waitForLoadState("load");
    const statusAfterResolve = await page.locator("dl.inbox-facts dd").first().innerText();
    overflow.resolved = await sideways(page);
    await page.screenshot({ path: `${outDir}/inbox-resolved-${name}.png`, fullPage: true });
    await page.context().clearCookies();

    await signIn(page, agentEmail);
    const navCount = await page.locator("a.nav-count").innerText();
    await page.locator("a.nav-count").click();
    await page.waitForLoadState("load");
    const notifications = await page.locator("li.note-row.unread").count();
    overflow.notifications = await sideways(page);
    await page.screenshot({ path: `${outDir}/inbox-notifications-${name}.png`, fullPage: false });
    await page.getByRole("button", { name: "Mark all read" }).click();
    await page.waitForLoadState("load");

    results.push({ name, queueUrl, queueRows, firstSla, conversationUrl, threadItems, replied, statusAfterReply, noted,
                   timelineNote, statusAfterResolve, navCount, notifications, overflow, errors });
    await page.context().clearCookies();
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
