/**
 * The package as users get it: `npm pack`, installed into a fresh project, which compiles both example
 * projects (examples/typescript, examples/mixed) against the installed types and runs them on the server.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
let tarball: string;

beforeAll(() => {
  const packs = mkdtempSync(join(tmpdir(), 'weft-pack-'));
  npm(['pack', '--silent', '--pack-destination', packs], ROOT);
  tarball = join(
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

/** The output of a check, whether it passed or not (execFileSync throws on a non-zero exit). */
function outputOf(command: string, args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (err) {
    const { stdout, stderr } = err as { stdout: string; stderr: string };
    return { ok: false, output: `${stdout}${stderr}` };
  }
}

/**
 * `weft-dag/workflows` default-exports Weft's catch-all for unregistered workflow types: Temporal takes a
 * workflows module's default export as its dynamic workflow, and that module is meant for Temporal's bundler
 * (webpack honours __esModule), not for an ESM import in Node, which is what these two findings are about.
 */
const WORKFLOWS_DEFAULT_EXPORT =
  /pkg\.exports\["\.\/workflows"\]\.default sets both exports\.__esModule = true and exports\.default/;

it('passes Are The Types Wrong for every entry point, under every module resolution', () => {
  const attw = join(ROOT, 'node_modules', '.bin', 'attw');
  const { ok, output } = outputOf(attw, [
    tarball,
    '--no-color',
    '--no-emoji',
    '--include-entrypoints',
    './schema/weft-v1.schema.json',
    '--ignore-rules',
    'cjs-only-exports-default',
  ]);
  if (!ok) throw new Error(`attw found problems in the packed package:\n${output}`);
}, 60_000);

it('passes publint with no error, warning or suggestion', () => {
  const publint = join(ROOT, 'node_modules', '.bin', 'publint');
  const { output } = outputOf(publint, ['run', tarball, '--level', 'suggestion']);
  const findings = output.split('\n').filter((line) => /^\d+\. /.test(line) && !WORKFLOWS_DEFAULT_EXPORT.test(line));
  if (findings.length) throw new Error(`publint found problems in the packed package:\n${output}`);
}, 60_000);

it('compiles the examples against the installed package', () => {
  execFileSync(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], {
    cwd: project,
    encoding: 'utf8',
  });
}, 120_000);

/**
 * The ```ts blocks of README.md and docs/*.md, each a module of its own, type-checked against the installed
 * package as a reader would paste them: top-level await allowed (module preserve), imports of './activities'
 * and './workflows' answered by the TypeScript example's. A block right after `<!-- not compiled: why -->` is
 * left out; a block right after `<!-- compiled before each block below -->` is the context of the file's
 * later blocks (the imports and values they share), shown to the reader as the first block.
 */
function docBlocks(): { name: string; where: string; code: string }[] {
  const files = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const blocks: { name: string; where: string; code: string }[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    let context = '';
    for (const match of text.matchAll(/(?:^(<!--[^\n]*-->)\n)?^```(?:ts|typescript)\n([\s\S]*?)^```/gm)) {
      const line = text.slice(0, match.index).split('\n').length + (match[1] ? 1 : 0);
      const mark = match[1] ?? '';
      if (mark.startsWith('<!-- not compiled')) continue;
      if (mark === '<!-- compiled before each block below -->') {
        context += match[2];
        continue;
      }
      const name = `${file.replace(/\W+/g, '_')}_${line}.ts`;
      blocks.push({ name, where: `${file}:${line}`, code: `${context}${match[2]}` });
    }
  }
  return blocks;
}

it('compiles every TypeScript block of README.md and docs/*.md', () => {
  const dir = join(project, 'doc-blocks');
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'examples/typescript/src/activities.ts'), join(dir, 'activities.ts'));
  cpSync(join(ROOT, 'examples/typescript/src/workflows.ts'), join(dir, 'workflows.ts'));
  const blocks = docBlocks();
  expect(blocks.length).toBeGreaterThan(20);
  for (const block of blocks) writeFileSync(join(dir, block.name), block.code);
  writeFileSync(
    join(project, 'tsconfig.doc-blocks.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'], // no DOM: a block's undeclared `document` is an error, not the browser's
        module: 'preserve',
        moduleResolution: 'bundler',
        strict: true,
        esModuleInterop: true,
        resolveJsonModule: true,
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
      },
      include: ['doc-blocks'],
    }),
  );
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.doc-blocks.json', '--pretty', 'false'], {
      cwd: project,
      encoding: 'utf8',
    });
  } catch (err) {
    // Errors name the block's file and line in the Markdown, not the temporary module.
    const where = new Map(blocks.map((block) => [block.name, block.where]));
    const output = (err as { stdout: string }).stdout.replace(
      /doc-blocks\/([\w.]+\.ts)\((\d+),/g,
      (all, name: string, line: string) => (where.has(name) ? `${where.get(name)} (block line ${line}),` : all),
    );
    throw new Error(`Code blocks in the docs do not compile:\n${output}`);
  }
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
