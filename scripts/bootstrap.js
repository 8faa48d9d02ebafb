#!/usr/bin/env node
/**
 * The README's two commands, runnable on a fresh clone: installs what is missing (npm packages, the build,
 * the Temporal CLI from its Go module), then
 *   start  -> `weft dev --example examples/etl-diamond.json` (serves until Ctrl-C; exits when CI=true or --exit)
 *   test   -> type check, lint, format check, then the whole jest suite, ending with one "N passed, N failed" line
 * Plain Node with no dependencies, because it runs before `npm install` has.
 */
'use strict';
const { spawnSync, spawn } = require('node:child_process');
const { existsSync, statSync, readdirSync, readFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function say(line) {
  process.stderr.write(`[weft] ${line}\n`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function mustRun(cmd, args, what) {
  const code = run(cmd, args);
  if (code !== 0) {
    say(`${what} failed (exit ${code}).`);
    process.exit(code);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function ensureInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
  if (stale) {
    say('Installing npm packages...');
    // `npm install`, not `npm ci`: it installs the locked versions too, and npm 11 writes lockfiles without
    // some platforms' optional packages (e.g. @swc/core's), which `npm ci` then refuses as out of sync.
    mustRun(npm, ['install', '--no-audit', '--no-fund'], 'npm install');
  }
}

function ensureBuilt() {
  const built = join(root, 'dist', 'cli', 'index.js');
  const console = join(root, 'dist', 'console', 'index.html');
  const stale =
    !existsSync(built) ||
    !existsSync(console) ||
    newestMtime(join(root, 'src')) > statSync(built).mtimeMs ||
    newestMtime(join(root, 'console')) > statSync(console).mtimeMs;
  if (stale) {
    say('Building...');
    mustRun(npm, ['run', '--silent', 'build'], 'The build');
  }
}

/**
 * Debian packages the suite runs for real: Prometheus scrapes the worker's metrics, Chromium runs the console's
 * browser tests (through playwright-core), Graphviz renders `weft graph --format dot`. Installed with apt-get
 * when missing and this user may; otherwise the tests that need one say which.
 */
const TEST_PACKAGES = [
  { command: 'prometheus', pkg: 'prometheus' },
  { command: 'chromium', pkg: 'chromium' },
  { command: 'dot', pkg: 'graphviz' },
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function ensureTestPackages() {
  const missing = TEST_PACKAGES.filter(({ command }) => !onPath(command)).map(({ pkg }) => pkg);
  if (!missing.length) return;
  const superuser = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!superuser || !onPath('apt-get')) {
    say(`Missing ${missing.join(', ')} (Debian packages); install them to run the tests that need them.`);
    return;
  }
  say(`Installing ${missing.join(', ')} (Debian packages)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  mustRun('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], 'apt-get install');
}

async function ensureTemporal() {
  if (process.env.TEMPORAL_ADDRESS) return; // an existing server: no dev server needed
  const { locateTemporal } = require(join(root, 'dist', 'server', 'temporal-binary.js'));
  try {
    const path = await locateTemporal({ log: say });
    say(`Temporal CLI: ${path}`);
  } catch (err) {
    say(err.message);
    process.exit(2);
  }
}

function printTotals(resultsFile) {
  if (!existsSync(resultsFile)) return;
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  // A plain closing line that CI reads in any language.
  process.stdout.write(
    `\nweft: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
  );
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) {
    say(`${r.numFailedTestSuites} test suite(s) failed to run.`);
  }
}

async function main() {
  const [command = 'start', ...rest] = process.argv.slice(2);
  ensureInstalled();
  ensureBuilt();
  if (command === 'test') {
    await ensureTemporal();
    ensureTestPackages();
    say('Type check...');
    mustRun(
      process.execPath,
      [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.json', '--noEmit'],
      'The type check',
    );
    mustRun(
      process.execPath,
      [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'console/tsconfig.json'],
      "The console's type check",
    );
    say('Lint...');
    mustRun(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.'], 'Lint');
    say('Format check...');
    mustRun(
      process.execPath,
      [require.resolve('prettier/bin/prettier.cjs', { paths: [root] }), '--check', '--log-level', 'warn', '.'],
      'The format check (npm run format fixes it)',
    );
    mkdirSync(join(root, '.weft'), { recursive: true });
    const resultsFile = join(root, '.weft', 'jest-results.json');
    const jest = require.resolve('jest/bin/jest', { paths: [root] });
    const code = run(process.execPath, [jest, '--json', `--outputFile=${resultsFile}`, ...rest]);
    printTotals(resultsFile);
    process.exit(code);
  } else if (command === 'start') {
    await ensureTemporal();
    const args = [join(root, 'bin', 'weft.js'), 'dev', '--example', 'examples/etl-diamond.json', ...rest];
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    // Ctrl-C reaches the child through the terminal; a SIGTERM sent to us alone is passed on.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
  } else {
    say(`unknown command "${command}"; use start or test.`);
    process.exit(2);
  }
}

main().catch((err) => {
  say(err.stack || String(err));
  process.exit(1);
});
