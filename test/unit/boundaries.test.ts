/**
 * The determinism boundary, enforced: src/dsl is imported by the client, the CLI and the Temporal workflow sandbox,
 * so it may use only its own modules and a few pure libraries; src/protocol (the names and message shapes on the
 * wire) is imported by both sides too, so it may use only the SDK's definitions and src/dsl; src/workflows is
 * bundled into the sandbox, so it may use only the Temporal workflow SDK, src/protocol and src/dsl (type-only
 * imports are erased at compile time and always allowed). ESLint holds the same arrows (eslint.config.mjs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');

interface Import {
  readonly file: string;
  readonly specifier: string;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file loads: import/export declarations, require() and import() calls. */
function importsOf(path: string): Import[] {
  const file = relative(ROOT, path);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      found.push({ file, specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ file, specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) found.push({ file, specifier: expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        found.push({ file, specifier: (node.arguments[0] as ts.StringLiteral).text, typeOnly: false });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Does a relative specifier from `file` stay inside `dir`? */
function resolvesInside(file: string, specifier: string, dir: string): boolean {
  const target = resolve(ROOT, file, '..', specifier);
  return target === resolve(ROOT, dir) || target.startsWith(resolve(ROOT, dir) + '/');
}

describe('src/dsl imports', () => {
  const files = sourceFiles(join(ROOT, 'src/dsl'));
  const ALLOWED_PACKAGES = new Set(['zod', 'jsonata', 'jsonata-v2', 're2js', 'ms']);

  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('only its own modules and zod, jsonata, re2js, ms (not even types from Node or Temporal)', () => {
    const violations = files
      .flatMap(importsOf)
      .filter(({ file, specifier }) =>
        specifier.startsWith('.') ? !resolvesInside(file, specifier, 'src/dsl') : !ALLOWED_PACKAGES.has(specifier),
      )
      .map(({ file, specifier }) => `${file} imports "${specifier}"`);
    expect(violations).toEqual([]);
  });

  it('calls JSONata only through src/dsl/jsonata.ts, which always sets the linear regex engine', () => {
    const direct = files
      .flatMap(importsOf)
      .filter(({ file, specifier }) => specifier === 'jsonata' && file !== 'src/dsl/jsonata.ts')
      .map(({ file }) => file);
    expect(direct).toEqual([]);
  });

  it('uses no clock, randomness, timers or Node globals', () => {
    const FORBIDDEN =
      /\bDate\s*\.\s*now\b|\bnew\s+Date\b|\bMath\s*\.\s*random\b|\bprocess\s*\.|\bBuffer\b|\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b|\bperformance\s*\.|\b__dirname\b/;
    const violations = files.flatMap((path) => {
      const code = readFileSync(path, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
      return code
        .split('\n')
        .filter((line) => FORBIDDEN.test(line))
        .map((line) => `${relative(ROOT, path)}: ${line.trim()}`);
    });
    expect(violations).toEqual([]);
  });
});

// Both are bundled into the sandbox by the SDK itself; deep imports (e.g. internal-non-workflow) are not.
const SANDBOX_PACKAGES = new Set(['@temporalio/workflow', '@temporalio/common']);

/** The imports of `files` (but type-only ones) that leave `rooms` or use a package not in `packages`. */
function leaving(files: string[], rooms: string[], packages: ReadonlySet<string>): string[] {
  return files
    .flatMap(importsOf)
    .filter(({ typeOnly }) => !typeOnly)
    .filter(({ file, specifier }) =>
      specifier.startsWith('.')
        ? !rooms.some((room) => resolvesInside(file, specifier, room))
        : !packages.has(specifier),
    )
    .map(({ file, specifier }) => `${file} imports "${specifier}"`);
}

describe('src/protocol imports', () => {
  const files = sourceFiles(join(ROOT, 'src/protocol'));

  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(2);
  });

  it('only the SDK (for its definitions), src/protocol and src/dsl, apart from type-only imports', () => {
    expect(leaving(files, ['src/protocol', 'src/dsl'], SANDBOX_PACKAGES)).toEqual([]);
  });
});

describe('src/workflows imports', () => {
  const files = sourceFiles(join(ROOT, 'src/workflows'));

  it('only the workflow SDK, src/workflows, src/protocol and src/dsl, apart from type-only imports', () => {
    expect(leaving(files, ['src/workflows', 'src/protocol', 'src/dsl'], SANDBOX_PACKAGES)).toEqual([]);
  });
});

describe('the weft-dag/workflow entry point', () => {
  it('imports only workflow-safe modules (src/workflows, src/protocol and src/dsl)', () => {
    const entry = join(ROOT, 'src', 'workflow.ts');
    const offending = importsOf(entry).filter(
      (i) => !i.typeOnly && !/^\.\/(workflows|protocol|dsl)\//.test(i.specifier),
    );
    expect(offending).toEqual([]);
  });
});
