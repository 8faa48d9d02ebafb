/**
 * Finds the `temporal` CLI (which embeds the dev server and Web UI), building it from its Go module when
 * no copy exists. No registry ships the binary and this project never downloads executables, so the
 * fallback is `go install` into a cache outside the repository, done once per machine.
 *
 * Lookup order: WEFT_TEMPORAL_BIN, then `temporal` on PATH, then the cache, then a build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { WeftSetupError } from '../errors';

/** The newest CLI tag whose go.mod has no `replace` directive (later tags cannot be `go install`ed). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
const MIN_GO = [1, 25] as const;

export interface LocateOptions {
  /** Progress lines for a person; the first build takes minutes, so silence would look like a hang. */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export function weftCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WEFT_CACHE_DIR) return env.WEFT_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'weft');
}

export function cachedTemporalPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(weftCacheDir(env), `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Returns the path of a usable binary without building; undefined when a build would be needed. */
export function findTemporal(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.WEFT_TEMPORAL_BIN) {
    if (!isExecutable(env.WEFT_TEMPORAL_BIN)) {
      throw new WeftSetupError(
        `WEFT_TEMPORAL_BIN is set to "${env.WEFT_TEMPORAL_BIN}", which is not an executable file; ` +
          'point it at a `temporal` binary or unset it to let Weft find or build one.',
      );
    }
    return env.WEFT_TEMPORAL_BIN;
  }
  const onPath = findOnPath('temporal', env);
  if (onPath) return onPath;
  const cached = cachedTemporalPath(env);
  return isExecutable(cached) ? cached : undefined;
}

export async function locateTemporal(options: LocateOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  return findTemporal(env) ?? (await buildTemporal(options));
}

function goVersion(goBin: string, env: NodeJS.ProcessEnv): [number, number] | undefined {
  const out = spawnSync(goBin, ['env', 'GOVERSION'], { env, encoding: 'utf8' });
  const match = /go(\d+)\.(\d+)/.exec(out.stdout ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const ALTERNATIVES =
  'Either install Go >= 1.25 (https://go.dev/dl, or your package manager), ' +
  'put a `temporal` CLI (v1.5.x) on PATH, set WEFT_TEMPORAL_BIN to one, ' +
  'or set TEMPORAL_ADDRESS to use a Temporal server that is already running.';

async function buildTemporal(options: LocateOptions): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  // Go's official installer puts it in /usr/local/go, often not on a non-login shell's PATH.
  const goBin = env.WEFT_GO_BIN
    ? [env.WEFT_GO_BIN].find(isExecutable)
    : (findOnPath('go', env) ?? ['/usr/local/go/bin/go'].find(isExecutable));
  if (!goBin) {
    throw new WeftSetupError(`No Temporal CLI was found and Go is not installed to build one. ${ALTERNATIVES}`);
  }
  const version = goVersion(goBin, env);
  if (!version || version[0] < MIN_GO[0] || (version[0] === MIN_GO[0] && version[1] < MIN_GO[1])) {
    throw new WeftSetupError(
      `No Temporal CLI was found and ${goBin} is Go ${version ? version.join('.') : '(unknown version)'}, ` +
        `too old to build one (it needs >= ${MIN_GO.join('.')}). ${ALTERNATIVES}`,
    );
  }

  const target = cachedTemporalPath(env);
  const dir = join(target, '..');
  mkdirSync(dir, { recursive: true });
  // Build into a private directory and rename, so two concurrent first runs never see a half-written binary.
  const scratch = mkdtempSync(join(dir, 'build-'));
  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} (dev server and Web UI) from its Go module into ${dir}. ` +
      'This happens once per machine and takes a few minutes.',
  );
  const started = Date.now();
  const ticker = setInterval(() => log(`  ...still building (${Math.round((Date.now() - started) / 1000)}s)`), 30_000);
  try {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(goBin, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
        env: { ...env, GOBIN: scratch, CGO_ENABLED: env.CGO_ENABLED ?? '0' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    const built = join(scratch, 'temporal');
    if (code !== 0 || !existsSync(built)) {
      const tail = stderr.trim().split('\n').slice(-5).join('\n');
      throw new WeftSetupError(`Building the Temporal CLI with Go failed (exit ${code}):\n${tail}\n${ALTERNATIVES}`);
    }
    renameSync(built, target);
    log(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)}s: ${target}`);
    return target;
  } finally {
    clearInterval(ticker);
    rmSync(scratch, { recursive: true, force: true });
  }
}
