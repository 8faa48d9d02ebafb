import { createColors } from 'picocolors';
import { fitRunView } from '../../src/client/fitted-view';
import { LiveRegion, runProgress } from '../../src/cli/live-output';
import { coloursFor, type Output } from '../../src/cli/output';
import type { NodeResult } from '../../src/dsl/run-result';
import type { WeftRunView } from '../../src/protocol/dag';

const ANSI = /\x1b\[[\d;]*[A-Za-z]/g;
const strip = (text: string) => text.replace(ANSI, '');
const plain = createColors(false);
const now = Date.parse('2026-12-02T10:00:00.000Z');

function node(status: NodeResult['status'], extra: Partial<NodeResult> = {}): NodeResult {
  const started = status === 'PENDING' ? null : '2026-12-02T09:59:50.000Z';
  return { status, attempts: started ? 1 : 0, startedAt: started, endedAt: null, output: null, error: null, ...extra };
}

/** 150 nodes mid-run: 100 succeeded, 3 failed, 2 waiting, 10 running, 35 pending, in document order. */
function bigRun(): WeftRunView {
  const nodes: Record<string, NodeResult> = {};
  for (let i = 0; i < 150; i++) {
    const id = `node_${String(i).padStart(3, '0')}`;
    if (i < 100) nodes[id] = node('SUCCEEDED');
    else if (i < 103) nodes[id] = node('FAILED', { error: { message: `exit ${i}`, type: 'Error' } });
    else if (i < 105) nodes[id] = node('WAITING', { reason: 'waiting for approval' });
    else if (i < 115)
      nodes[id] = node('RUNNING', i === 105 ? { attempts: 3, startedAt: '2026-12-02T09:55:00.000Z' } : {});
    else nodes[id] = node('PENDING');
  }
  const waiting = ['node_103', 'node_104'].map((nodeId) => ({
    nodeId,
    kind: 'approval' as const,
    since: '2026-12-02T09:59:50.000Z',
    reason: 'waiting for approval',
    release: [
      `weft approve wf-big ${nodeId} --data '{...}'`,
      `weft reject wf-big ${nodeId} --reason '...'`,
      'or the update',
    ],
  }));
  return { workflowId: 'wf-big', runId: 'r1', dag: 'big', status: 'RUNNING', nodes, waiting };
}

/** A screen that obeys the codes the live region writes, to check what a person would see. */
function screen(): { write(text: string): void; lines(): string[] } {
  const rows: string[] = [''];
  let row = 0;
  let col = 0;
  const put = (s: string) => {
    const line = rows[row]!.padEnd(col);
    rows[row] = line.slice(0, col) + s + line.slice(col + s.length);
    col += s.length;
  };
  return {
    write(text) {
      for (const token of text.split(/(\x1b\[\d*[ABJK]|\n|\r)/).filter(Boolean)) {
        const move = /^\x1b\[(\d*)([ABJK])$/.exec(token);
        if (token === '\n') {
          row += 1;
          col = 0;
          rows[row] ??= '';
        } else if (token === '\r') col = 0;
        else if (move?.[2] === 'A') row -= Number(move[1] || 1);
        else if (move?.[2] === 'B') row += Number(move[1] || 1);
        else if (move?.[2] === 'K') rows[row] = '';
        else if (move?.[2] === 'J') (rows.splice(row + 1), (rows[row] = rows[row]!.slice(0, col)));
        else put(token);
      }
    },
    lines: () => rows.slice(0, rows.length - (rows.at(-1) === '' ? 1 : 0)),
  };
}

describe('the fitted view of a run', () => {
  const lines = fitRunView(bigRun(), { columns: 80, rows: 30 }, plain, now);

  it('fits 150 nodes in 30 lines of at most 80 columns', () => {
    expect(lines.length).toBeLessThanOrEqual(30);
    for (const line of lines) expect(strip(line).length).toBeLessThanOrEqual(80);
  });

  it('starts with the totals, lists failed, then waiting, then running nodes, and says how many more', () => {
    expect(lines[0]).toBe('RUNNING  150 nodes: 100 succeeded, 10 running, 2 waiting, 3 failed, 35 pending');
    const statuses = lines.slice(1, -1).flatMap((l) => /^node_\d+\s+(\w+)/.exec(l)?.[1] ?? []);
    expect(statuses.slice(0, 5)).toEqual(['FAILED', 'FAILED', 'FAILED', 'WAITING', 'WAITING']);
    expect(new Set(statuses.slice(5))).toEqual(new Set(['RUNNING']));
    const listed = statuses.length;
    expect(lines.at(-1)).toBe(`and ${150 - listed} more (weft status wf-big lists every node)`);
    expect(lines[1]).toMatch(/^node_100\s+FAILED\s+Error: exit 100$/);
  });

  it('shows the commands that release a waiting node under it', () => {
    const at = lines.findIndex((l) => l.startsWith('node_103'));
    expect(lines[at]).toMatch(/WAITING\s+waiting for approval/);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      "  ↳ weft approve wf-big node_103 --data '{...}'",
      "  ↳ weft reject wf-big node_103 --reason '...'",
    ]);
  });

  it("says a node's attempt and how long it has run in whole minutes, so a row does not change each second", () => {
    expect(lines.find((l) => l.startsWith('node_105'))).toMatch(/RUNNING\s+for 5m; attempt 3$/);
    expect(lines.find((l) => l.startsWith('node_106'))).toMatch(/^node_106\s+RUNNING$/);
  });

  it('lists every node and no "more" line when they all fit', () => {
    const small: WeftRunView = { ...bigRun(), nodes: { a: node('RUNNING'), b: node('SUCCEEDED') } };
    expect(fitRunView(small, { columns: 80, rows: 30 }, plain, now)).toEqual([
      'RUNNING  2 nodes: 1 succeeded, 1 running',
      'a  RUNNING',
      'and 1 more (weft status wf-big lists every node)',
    ]);
  });

  it('points to weft status when no node needs a look, as when a run succeeded', () => {
    const done: WeftRunView = { ...bigRun(), status: 'SUCCEEDED', nodes: { a: node('SUCCEEDED'), b: node('SKIPPED') } };
    expect(fitRunView(done, { columns: 80, rows: 30 }, plain, now)).toEqual([
      'SUCCEEDED  2 nodes: 1 succeeded, 1 skipped',
      'weft status wf-big lists every node',
    ]);
  });

  it('keeps within a tiny terminal', () => {
    const tiny = fitRunView(bigRun(), { columns: 20, rows: 3 }, plain, now);
    expect(tiny).toHaveLength(3);
    for (const line of tiny) expect(line.length).toBeLessThanOrEqual(20);
  });
});

describe('colour', () => {
  it('NO_COLOR gives no escape codes, even on a terminal and with FORCE_COLOR', () => {
    const colours = coloursFor(true, { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(fitRunView(bigRun(), { columns: 80, rows: 30 }, colours, now).join('\n')).not.toMatch(/\x1b/);
  });

  it('FORCE_COLOR gives colour, even when not a terminal; a terminal has colour by default', () => {
    const forced = fitRunView(bigRun(), { columns: 80, rows: 30 }, coloursFor(false, { FORCE_COLOR: '1' }), now);
    expect(forced[0]).toBe(
      `\x1b[36mRUNNING\x1b[39m  150 nodes: 100 succeeded, 10 running, 2 waiting, 3 failed, 35 pending`,
    );
    expect(forced.join('\n')).toContain('\x1b[31mFAILED\x1b[39m');
    expect(coloursFor(true, {}).isColorSupported).toBe(true);
    expect(coloursFor(false, {}).isColorSupported).toBe(false);
    expect(coloursFor(true, { TERM: 'dumb' }).isColorSupported).toBe(false);
  });
});

function fakeIo(tty: boolean): Output & { text: () => string; errLines: string[] } {
  let written = '';
  const errLines: string[] = [];
  return {
    out: () => undefined,
    err: (line) => {
      errLines.push(line);
      written += line + '\n';
    },
    write: (text) => (written += text),
    isTTY: tty,
    columns: 80,
    rows: 30,
    text: () => written,
    errLines,
  };
}

describe('progress while a run is followed', () => {
  it('without a terminal: one line per node change, with release hints, and no redraw codes', () => {
    const io = fakeIo(false);
    const progress = runProgress(io);
    const view = bigRun();
    progress.update(view);
    const first = io.errLines.length;
    expect(first).toBe(115 + 4); // every node but the pending ones, and two commands under each waiting one
    progress.update(view);
    expect(io.errLines).toHaveLength(first); // nothing changed, nothing printed
    progress.update({ ...view, nodes: { ...view.nodes, node_110: node('SUCCEEDED'), node_120: node('RUNNING') } });
    expect(io.errLines.slice(first)).toEqual(['  node_110: SUCCEEDED', '  node_120: RUNNING']);
    expect(io.errLines).toContain('  node_103: WAITING (waiting for approval)');
    expect(io.errLines).toContain("    weft approve wf-big node_103 --data '{...}'");
    expect(io.errLines).toContain('  node_100: FAILED (exit 100)');
    progress.end();
    expect(io.text()).not.toMatch(/\x1b/);
  });

  it('on a terminal: redraws in place within its height, rewriting only the lines that changed', () => {
    const io = fakeIo(true);
    const term = screen();
    const seen: string[] = [];
    io.write = (text) => {
      seen.push(text);
      term.write(text);
    };
    const progress = runProgress(io);
    const view = bigRun();
    progress.update(view);
    expect(term.lines().length).toBeLessThanOrEqual(29);
    progress.update(view);
    expect(seen).toHaveLength(1); // the same view writes nothing
    const next = { ...view, nodes: { ...view.nodes, node_114: node('SUCCEEDED') } };
    progress.update(next);
    const rewritten = strip(seen[1]!.replace(/\x1b\[\d*[AB]\x1b\[2K|\x1b\[\d*B\r/g, '\n'))
      .split('\n')
      .filter(Boolean);
    expect(rewritten.length).toBeLessThan(5); // the totals, the row that went and the "more" line
    expect(term.lines().map(strip)).toEqual(fitRunView(next, { columns: 79, rows: 29 }, plain).map(strip));
    progress.end();
    expect(term.lines()).toEqual([]);
  });
});

describe('LiveRegion', () => {
  it('leaves the screen showing the last frame, whether it grew, shrank or changed', () => {
    const term = screen();
    term.write('Started wf-1\n');
    const region = new LiveRegion((t) => term.write(t));
    const frames = [['a', 'b'], ['a', 'B', 'c', 'd'], ['x'], ['x', 'y'], []];
    for (const frame of frames) {
      region.draw(frame);
      expect(term.lines()).toEqual(['Started wf-1', ...frame]);
    }
    region.draw(['p', 'q']);
    region.clear();
    expect(term.lines()).toEqual(['Started wf-1']);
  });
});
