/**
 * A real browser for the console's tests: Debian's Chromium driven by playwright-core (no browser download;
 * `npm test` installs the `chromium` package when it is missing).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.WEFT_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = CANDIDATES.find((path): path is string => !!path && existsSync(path));
  if (!executablePath)
    throw new Error(
      'No Chromium found (looked for /usr/bin/chromium): `npm test` installs Debian\'s "chromium" package, or set WEFT_CHROMIUM.',
    );
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
