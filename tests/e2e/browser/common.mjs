// What every browser script shares: Debian's Chromium launched headless the same way (no downloads, no
// network beyond the test server), and the sideways-scroll check the pages must pass at phone width.
import { chromium } from "playwright-core";

export async function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
           "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

export const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
