/**
 * The package as users get it: `npm pack`, installed into a fresh project, which compiles both example
 * projects (examples/typescript, examples/mixed) against the installed types and runs them on the server.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testAddress } from './env';

const ROOT = resolve(__dirname, '../..');
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

let project: string;

beforeAll(() => {
  const packs = mkdtempSync(join(tmpdir(), 'weft-pack-'));
  npm(['pack', '--silent', '--pack-destination', packs], ROOT);
  const tarball = join(
    packs,
    readdirSync(packs).find((f) => f.endsWith('.tgz'))!,
  );
  project = mkdtempSync(join(tmpdir(), 'weft-fresh-project-'));
  for (const example of ['typescript', 'mixed'])
    cpSync(join(ROOT, 'examples', example, 'src'), join(project, 'src', example), { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'fresh',
      private: true,
      dependencies: { 'weft-dag': `file:${tarball}` },
      devDependencies: { typescript: '5.9.3', '@types/node': '20.19.25' },
    }),
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node',
        strict: true,
        esModuleInterop: true,
        resolveJsonModule: true,
        skipLibCheck: true,
        outDir: 'dist',
        rootDir: 'src',
        types: ['node'],
      },
      include: ['src'],
    }),
  );
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline'], project);
}, 300_000);

it('ships built JavaScript and types, with nothing reachable but its entry points', () => {
  const pkg = join(project, 'node_modules', 'weft-dag');
  const files = readdirSync(join(pkg, 'dist'));
  expect(files).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'workflow.js', 'workflow.d.ts']));
  const deep = execFileSync(
    process.execPath,
    [
      '-e',
      "try { require('weft-dag/dist/client/render'); console.log('reachable') } catch (e) { console.log(e.code) }",
    ],
    { cwd: project, encoding: 'utf8' },
  );
  expect(deep.trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
});

it('lets code and documents find the JSON Schema under node_modules', () => {
  const resolved = execFileSync(
    process.execPath,
    ['-p', "require.resolve('weft-dag/schema/weft-v1.schema.json') + ' ' + require('weft-dag/schema.json').$id"],
    { cwd: project, encoding: 'utf8' },
  );
  expect(resolved.trim()).toBe(
    `${join(project, 'node_modules/weft-dag/schema/weft-v1.schema.json')} https://unpkg.com/weft-dag/schema/weft-v1.schema.json`,
  );
});

it('compiles the examples against the installed package', () => {
  execFileSync(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], {
    cwd: project,
    encoding: 'utf8',
  });
}, 120_000);

it('runs the TypeScript-only example: Saga, typed DAG, a workflow running the DAG', () => {
  const out = execFileSync(process.execPath, [join(project, 'dist', 'typescript', 'run.js')], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, TEMPORAL_ADDRESS: testAddress(), WEFT_TASK_QUEUE: `fresh-ts-${Date.now()}` },
  });
  expect(out).toContain("orderWorkflow: { trackingId: 'T-A-1' }");
  expect(out).toContain('(compensation) refunded C-A-2');
  expect(out.indexOf('refunded C-A-2')).toBeLessThan(out.indexOf('released R-A-2'));
  expect(out).toContain('orderWorkflow (fragile): the carrier refused FRAGILE');
  expect(out).toContain('orderDag: SUCCEEDED {"trackingId":"T-A-1","charged":12}');
  expect(out).toContain('orderViaDag: T-A-3 (charged 3)');
}, 180_000);

it('runs the mixed example: a JSON DAG running a TypeScript workflow, and the reverse', () => {
  const out = execFileSync(process.execPath, [join(project, 'dist', 'mixed', 'run.js')], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, TEMPORAL_ADDRESS: testAddress(), WEFT_TASK_QUEUE: `fresh-mixed-${Date.now()}` },
  });
  expect(out).toContain('monthly-report: SUCCEEDED {"rows":1100,"message":"1100 rows in 2026-11"}');
  expect(out).toContain('monthlyClose: closed 2026-10: 1000 rows in 2026-10');
}, 180_000);
