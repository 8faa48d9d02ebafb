/**
 * Compile-time guarantees of the typed builder, checked by compiling snippets with the TypeScript
 * compiler: each must fail for the stated reason, and the control snippet must compile.
 */
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const PRELUDE = `
import { dag } from '${join(ROOT, 'src/dsl/builder')}';
declare const activities: {
  reserveStock(input: { sku: string; qty: number }): Promise<{ reservationId: string; price: number }>;
  chargeCard(input: { amount: number; currency: string }): Promise<{ chargeId: string }>;
  refund(input: { chargeId: string }): Promise<void>;
};
const base = dag<typeof activities>('order').activity('reserve', 'reserveStock', { input: { sku: 'A', qty: 1 } });
`;

const SNIPPETS: Record<string, { code: string; error?: RegExp }> = {
  control: {
    code: `base.activity('charge', 'chargeCard', { dependsOn: ['reserve'], input: ({ nodes }) => ({ amount: nodes.reserve.output.price, currency: 'EUR' }),
      compensate: { activity: 'refund', input: ({ nodes }) => ({ chargeId: nodes.charge.output.chargeId }) } }).build();`,
  },
  outputTypedAsValues: {
    // The output's fields are the values the references stand for, not references.
    code: `const d = base.output(({ nodes }) => ({ price: nodes.reserve.output.price, ids: [nodes.reserve.output.reservationId], fixed: 1 })).build();
      type Out = NonNullable<(typeof d)['__output']>;
      const ok: Out = { price: 1, ids: ['r'], fixed: 1 };
      const price: number = ok.price;
      void price;`,
  },
  outputFieldIsNotARef: {
    code: `const d = base.output(({ nodes }) => ({ price: nodes.reserve.output.price })).build();
      const wrong: NonNullable<(typeof d)['__output']> = { price: 'ten' };`,
    error: /Type 'string' is not assignable to type 'number'/,
  },
  wrongActivityName: {
    code: `base.activity('charge', 'chargeCrad', {});`,
    error: /Argument of type '"chargeCrad"' is not assignable to parameter of type 'ActivityName</,
  },
  wrongInputType: {
    code: `base.activity('charge', 'chargeCard', { input: { amount: 'ten', currency: 'EUR' } });`,
    error: /Type 'string' is not assignable to type 'Templated<number>'/,
  },
  missingInputField: {
    code: `base.activity('charge', 'chargeCard', { input: { amount: 10 } });`,
    error: /Property 'currency' is missing/,
  },
  unknownDependency: {
    code: `base.activity('charge', 'chargeCard', { dependsOn: ['ghost'], input: { amount: 1, currency: 'EUR' } });`,
    error: /Type '"ghost"' is not assignable to type '"reserve"'/,
  },
  duplicateId: {
    code: `base.activity('reserve', 'refund', { input: { chargeId: 'c' } });`,
    error: /Argument of type '"reserve"' is not assignable to parameter of type 'never'/,
  },
  wrongUpstreamOutputType: {
    code: `base.activity('charge', 'chargeCard', { dependsOn: ['reserve'], input: ({ nodes }) => ({ amount: nodes.reserve.output.reservationId, currency: 'EUR' }) });`,
    error:
      /Types of property 'amount' are incompatible[\s\S]*Type 'Ref<string>' is not assignable to type 'Ref<number>'/,
  },
  unknownUpstreamField: {
    code: `base.activity('charge', 'chargeCard', { input: ({ nodes }) => ({ amount: nodes.reserve.output.cost, currency: 'EUR' }) });`,
    error: /Property 'cost' does not exist/,
  },
  referenceToUndeclaredNode: {
    code: `base.activity('charge', 'chargeCard', { input: ({ nodes }) => ({ amount: nodes.later.output.price, currency: 'EUR' }) });`,
    error: /Property 'later' does not exist/,
  },
  wrongCompensationInput: {
    code: `base.activity('charge', 'chargeCard', { input: { amount: 1, currency: 'EUR' }, compensate: { activity: 'refund', input: { chargeId: 42 } } });`,
    error: /Type 'number' is not assignable to type 'Templated<string>'/,
  },
};

function diagnosticsBySnippet(): Record<string, string[]> {
  const dir = join(ROOT, 'test', 'unit');
  const files = Object.fromEntries(
    Object.entries(SNIPPETS).map(([name, s]) => [join(dir, `__snippet_${name}.ts`), PRELUDE + s.code]),
  );
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => files[f] ?? readFile(f);
  host.fileExists = (f) => f in files || fileExists(f);
  host.getSourceFile = (f, v, onError, create) =>
    f in files ? ts.createSourceFile(f, files[f], v, true) : getSourceFile(f, v, onError, create);
  const program = ts.createProgram(Object.keys(files), options, host);
  const out: Record<string, string[]> = {};
  for (const [path] of Object.entries(files)) {
    const name = path.slice(dirname(path).length + '/__snippet_'.length, -3);
    out[name] = ts
      .getPreEmitDiagnostics(program, program.getSourceFile(path))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  return out;
}

describe('the typed builder at compile time', () => {
  let diagnostics: Record<string, string[]>;
  beforeAll(() => {
    diagnostics = diagnosticsBySnippet();
  }, 60_000);

  it('compiles correct code', () => {
    expect(diagnostics.control).toEqual([]);
    expect(diagnostics.outputTypedAsValues).toEqual([]);
  });

  it.each(Object.entries(SNIPPETS).filter(([, s]) => s.error))('rejects %s', (name, snippet) => {
    expect(diagnostics[name].length).toBeGreaterThan(0);
    expect(diagnostics[name].join('\n')).toMatch(snippet.error!);
  });
});
