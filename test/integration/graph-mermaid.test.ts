/**
 * Mermaid itself reads what `weft graph` writes: the mermaid package's own parser and renderer, which need a
 * DOM, in Debian's Chromium (test/integration/browser.ts). No Temporal server is used; it is here rather than
 * in the unit project because it starts a browser.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { graphOfDocument, type DocumentGraph } from '../../src/dsl/graph-model';
import { toMermaid, type GraphStatuses } from '../../src/dsl/graph-text';
import { everyShapeStatuses, graphDocuments } from '../graph-documents';
import { launchBrowser } from './browser';

const MERMAID_SCRIPT = join(__dirname, '..', '..', 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');

/** What the page's script sees; the test's TypeScript has no DOM types. */
interface MermaidWindow {
  mermaid: {
    initialize(config: object): void;
    parse(text: string): Promise<unknown>;
    render(id: string, text: string): Promise<{ svg: string }>;
  };
  document: { body: { innerHTML: string; textContent: string | null } };
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setContent('<html><body></body></html>');
  await page.addScriptTag({ path: MERMAID_SCRIPT });
  await page.evaluate(() => {
    (globalThis as unknown as MermaidWindow).mermaid.initialize({ startOnLoad: false });
  });
}, 60_000);
afterAll(async () => browser?.close());

/** Parses, then renders; a refusal fails the test with Mermaid's own message and the text it refused. */
async function renderMermaid(text: string): Promise<{ svg: string; shown: string }> {
  const outcome = await page.evaluate(async (source) => {
    const window = globalThis as unknown as MermaidWindow;
    try {
      await window.mermaid.parse(source);
    } catch (err) {
      return { error: `parse: ${(err as Error)?.message ?? String(err)}` };
    }
    try {
      const { svg } = await window.mermaid.render('g', source);
      window.document.body.innerHTML = svg;
      return { svg, shown: window.document.body.textContent ?? '' };
    } catch (err) {
      return { error: `render: ${(err as Error)?.message ?? String(err)}` };
    }
  }, text);
  if ('error' in outcome) throw new Error(`Mermaid refused the text (${outcome.error})\n${text}`);
  return outcome;
}

function graph(name: string): DocumentGraph {
  return graphOfDocument(graphDocuments().find(([n]) => n === name)![1]);
}

describe('Mermaid reads and draws the text', () => {
  it.each(graphDocuments())('%s', async (_name, document) => {
    const { svg } = await renderMermaid(toMermaid(graphOfDocument(document)));
    expect(svg).toContain('<svg');
  });

  it("a run's statuses as classes on nodes and subgraphs, and the exit handlers' subgraph", async () => {
    const { svg, shown } = await renderMermaid(toMermaid(graph('every-shape'), everyShapeStatuses));
    expect(svg).toContain('<svg');
    expect(svg).toContain('#fee2e2'); // resize FAILED, from its classDef
    expect(shown).toContain('3/10 done, 1 failed');
    expect(shown).toContain('on exit');
  });

  it('labels as written: quotes, a backslash, HTML and Markdown characters come out as text', async () => {
    const tricky: DocumentGraph = {
      name: 'tricky',
      nodes: [
        { id: '_private_', type: 'activity', label: 'say "hi" <b>bold</b> & #1 `code` *em* C:\\x', dependsOn: [] },
        { id: 'www-link', type: 'activity', label: 'https://example.com www.example.com', dependsOn: ['_private_'] },
      ],
    };
    const statuses: GraphStatuses = { _private_: { status: 'SUCCEEDED' } };
    const { shown } = await renderMermaid(toMermaid(tricky, statuses));
    expect(shown).not.toContain('Unsupported markdown');
    expect(shown).toContain('_private_');
    expect(shown).toContain('say "hi" <b>bold</b> & #1 `code` *em* C:\\x');
    expect(shown).toContain('https://example.com www.example.com');
  });

  it("fails with the parser's message when Mermaid refuses the text", async () => {
    await expect(renderMermaid('flowchart TD\n  a[[unclosed')).rejects.toThrow(/Mermaid refused the text \(parse: /);
  });
});
