// Debian's Chromium, headless, as the tests and the benchmark launch it:
// playwright-core never downloads a browser; the flags keep it off the
// network (this machine's network is closed) and let it run as root.

import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
