import { approvalDeadlines, describeDeadline } from '../../src/client/approval-deadline';
import type { WeftDocument } from '../../src/dsl/schema';
import type { WeftRunView } from '../../src/protocol/dag';

const document = {
  nodes: [
    { id: 'gate', type: 'approval', timeout: '4h', onTimeout: 'reject' },
    { id: 'open', type: 'approval', onTimeout: 'reject' },
    { id: 'deploy', type: 'activity', activity: 'weft.echo' },
  ],
} as unknown as Pick<WeftDocument, 'nodes'>;

const since = '2026-12-02T08:00:00.000Z';
const waiting = (nodeId: string, kind: 'approval' | 'failure' = 'approval') => ({
  nodeId,
  kind,
  since,
  reason: 'waiting',
  release: [],
});
const view: Pick<WeftRunView, 'nodes' | 'waiting'> = {
  nodes: {},
  waiting: [waiting('gate'), waiting('open'), waiting('deploy', 'failure')],
};

it("is the approval's timeout after it began to wait, for approvals with a timeout only", () => {
  expect(approvalDeadlines(document, view)).toEqual([
    { nodeId: 'gate', at: '2026-12-02T12:00:00.000Z', onTimeout: 'reject' },
  ]);
});

it('says when, how long until then, and what onTimeout does', () => {
  const now = Date.parse('2026-12-02T09:30:00.000Z');
  const gate = { nodeId: 'gate', at: '2026-12-02T12:00:00.000Z', onTimeout: 'reject' as const };
  expect(describeDeadline(gate, now)).toBe(
    'It times out at 2026-12-02T12:00:00.000Z (in 2h30m); then it is rejected, failing the node (onTimeout "reject").',
  );
  expect(describeDeadline({ ...gate, onTimeout: 'approve' }, Date.parse('2026-12-02T13:00:00.000Z'))).toBe(
    'It times out at 2026-12-02T12:00:00.000Z (due now); then it is approved, with no data (onTimeout "approve").',
  );
});
