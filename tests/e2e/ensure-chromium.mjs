// Makes sure a Chromium is there for the browser tests and the demo: Debian's package when it is
// missing and we are root, otherwise a clear message saying what to install.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = process.env.CHROME_PATH ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  if (process.env.CHROME_PATH) {
    console.error(`CHROME_PATH=${path} does not exist.`);
    process.exit(1);
  }
  if (process.getuid?.() === 0) {
    console.log("Chromium is missing: installing Debian's chromium package (apt-get)…");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execSync('apt-get update -qq && apt-get install -y -qq chromium', { stdio: 'inherit', env });
  } else {
    console.error(
      'Chromium is needed at /usr/bin/chromium: run `sudo apt-get install -y chromium`,\n' +
        'or set CHROME_PATH to a Chromium or Chrome binary.',
    );
    process.exit(1);
  }
}

// The Firefox build is tested in Debian's firefox-esr when it is there (tests/e2e/firefox.e2e.ts
// skips, saying why, when it is not). As root we install it; it is not worth failing for.
if (
  !process.argv.includes('--emoji-font') &&
  !process.env.FIREFOX_PATH &&
  !existsSync('/usr/bin/firefox-esr') &&
  process.getuid?.() === 0
) {
  console.log("Installing Debian's firefox-esr for the Firefox browser test (apt-get)…");
  try {
    execSync('apt-get install -y -qq firefox-esr || (apt-get update -qq && apt-get install -y -qq firefox-esr)', {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    console.log('(firefox-esr could not be installed: the Firefox browser test will be skipped)');
  }
}

// The demo shows emoji typed as text (not all apps draw them as images): a colour emoji font makes
// its screenshots read right. Only asked for by the demo, only installed when we are root.
if (process.argv.includes('--emoji-font') && !existsSync('/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf')) {
  if (process.getuid?.() === 0) {
    console.log("Installing Debian's fonts-noto-color-emoji for the demo's emoji (apt-get)…");
    try {
      execSync('apt-get install -y -qq fonts-noto-color-emoji || (apt-get update -qq && apt-get install -y -qq fonts-noto-color-emoji)', {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch {
      console.log('(no emoji font: emoji typed as text will show as boxes)');
    }
  } else {
    console.log('Tip: `sudo apt-get install -y fonts-noto-color-emoji` shows the emoji in the demo.');
  }
}
