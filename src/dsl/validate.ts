/**
 * Document validation: the zod schema plus the cross-node rules a schema cannot express.
 *
 * Invariants of every document `validateDocument` accepts (the interpreter relies on them and does not re-check):
 *   V1 it matches WeftDocumentSchema (known fields only, valid types, positive durations, sane retry policies);
 *   V2 node ids are unique;
 *   V3 every `dependsOn` entry names another existing node, at most once;
 *   V4 the dependency graph is acyclic, so a topological order exists;
 *   V5 every expression parses, is deterministic, and names each node it reads statically (`nodes.<id>`);
 *   V6 a node's `input` and `when` read only its transitive upstream nodes; its `compensate.input` may also read
 *      itself; the document's `output` may read any node;
 *   V7 trigger rules that wait on upstream results (`oneSuccess`, `oneFailed`, `allFailed`) have upstream nodes.
 *
 * Every problem is reported at once: the cross-node checks run on the raw input even where the schema failed
 * elsewhere, skipping only values too malformed to interpret (a node without a string id, for instance).
 */
import { didYouMean } from './suggest';
import { Ancestry, findCycles, type GraphNode } from './graph';
import { analyzeExpression, analyzeTemplate, quoteExpression } from './expressions';
import type { IssuePath, WeftIssue, WeftIssueCode } from './issues';
import { WeftValidationError } from './issues';
import { isPlainObject } from './json';
import { parseJsonText } from './json-text';
import { WeftDocumentSchema, type WeftDocument } from './schema';
import { schemaIssues } from './schema-issues';

export type ValidationResult = { readonly ok: true; readonly document: WeftDocument } | { readonly ok: false; readonly issues: WeftIssue[] };

/** `value` is the JSON as written (no defaults filled in), for callers that pass the document on unchanged. */
export type TextValidationResult =
  | { readonly ok: true; readonly document: WeftDocument; readonly value: unknown }
  | { readonly ok: false; readonly issues: WeftIssue[] };

/** Triggers that are decided by upstream results and so mean nothing on a node without upstream nodes. */
const TRIGGERS_NEEDING_UPSTREAM = new Set(['oneSuccess', 'oneFailed', 'allFailed']);

/** A node as far as it can be read from raw input. */
interface RawNode {
  readonly position: number;
  readonly id: string | undefined;
  /** String entries of `dependsOn` with their positions. */
  readonly dependsOn: readonly { readonly id: string; readonly position: number }[];
  readonly fields: Readonly<Record<string, unknown>>;
}

function readNodes(raw: unknown): RawNode[] {
  if (!isPlainObject(raw) || !Array.isArray(raw['nodes'])) return [];
  const nodes: RawNode[] = [];
  raw['nodes'].forEach((fields: unknown, position) => {
    if (!isPlainObject(fields)) return;
    const id = typeof fields['id'] === 'string' ? fields['id'] : undefined;
    const deps = Array.isArray(fields['dependsOn']) ? (fields['dependsOn'] as unknown[]) : [];
    const dependsOn = deps.flatMap((dep, i) => (typeof dep === 'string' ? [{ id: dep, position: i }] : []));
    nodes.push({ position, id, dependsOn, fields });
  });
  return nodes;
}

function nodesRef(id: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(id) ? `nodes.${id}` : `nodes.\`${id}\``;
}

class Checker {
  readonly issues: WeftIssue[] = [];
  private readonly ids = new Set<string>();
  /** Positions of the first node with each id; later duplicates are left out of the graph. */
  private readonly first = new Map<string, RawNode>();
  private graph: GraphNode[] = [];
  private ancestry: Ancestry | undefined;

  constructor(
    private readonly raw: unknown,
    private readonly nodes: readonly RawNode[],
  ) {
    for (const node of nodes) if (node.id !== undefined) this.ids.add(node.id);
  }

  private report(code: WeftIssueCode, path: IssuePath, message: string): void {
    this.issues.push({ code, path, message });
  }

  run(): WeftIssue[] {
    this.checkIdsAndDependencies();
    this.checkCycles();
    this.ancestry = new Ancestry(this.graph);
    for (const node of this.nodes) this.checkNodeExpressions(node);
    this.checkOutput();
    return this.issues;
  }

  private checkIdsAndDependencies(): void {
    for (const node of this.nodes) {
      const at = ['nodes', node.position] as const;
      if (node.id !== undefined) {
        const earlier = this.first.get(node.id);
        if (earlier !== undefined) {
          this.report('WEFT_DUPLICATE_ID', [...at, 'id'], `duplicate id "${node.id}": nodes[${earlier.position}] already uses it; node ids must be unique`);
        } else {
          this.first.set(node.id, node);
        }
      }
      const seen = new Set<string>();
      const edges: string[] = [];
      for (const dep of node.dependsOn) {
        const path = [...at, 'dependsOn', dep.position];
        if (dep.id === node.id) {
          this.report('WEFT_SELF_DEPENDENCY', path, `node "${dep.id}" depends on itself; remove "${dep.id}" from its dependsOn`);
        } else if (seen.has(dep.id)) {
          this.report('WEFT_DUPLICATE_DEPENDENCY', path, `"${dep.id}" is already listed in dependsOn; remove the repeat`);
        } else if (!this.ids.has(dep.id)) {
          this.report('WEFT_UNKNOWN_NODE', path, `unknown node "${dep.id}"${didYouMean(dep.id, this.ids)}`);
        } else {
          edges.push(dep.id);
        }
        seen.add(dep.id);
      }
      const trigger = node.fields['trigger'];
      if (typeof trigger === 'string' && TRIGGERS_NEEDING_UPSTREAM.has(trigger) && node.dependsOn.length === 0) {
        this.report(
          'WEFT_BAD_TRIGGER',
          [...at, 'trigger'],
          `trigger "${trigger}" is decided by upstream results, but this node has no dependsOn; add upstream nodes or remove the trigger`,
        );
      }
      if (node.id !== undefined && this.first.get(node.id) === node) this.graph.push({ id: node.id, dependsOn: edges });
    }
  }

  private checkCycles(): void {
    for (const cycle of findCycles(this.graph)) {
      // Point at the dependsOn entry that closes the cycle at its first node: start depends on the id before it.
      const start = this.first.get(cycle[0]!)!;
      const closing = cycle[cycle.length - 2]!;
      const entry = start.dependsOn.find((dep) => dep.id === closing);
      const path = entry === undefined ? ['nodes', start.position, 'dependsOn'] : ['nodes', start.position, 'dependsOn', entry.position];
      this.report('WEFT_CYCLE', path, `dependency cycle ${cycle.join(' -> ')} (each node depends on the one before it); remove one of these dependencies`);
    }
  }

  private checkNodeExpressions(node: RawNode): void {
    const at = ['nodes', node.position];
    const { when, type = 'activity', input, compensate } = node.fields;
    if (typeof when === 'string') {
      const analysis = analyzeExpression(when);
      if (!analysis.ok) this.report('WEFT_BAD_EXPRESSION', [...at, 'when'], `expression ${quoteExpression(when)} is invalid: ${analysis.reason}`);
      else for (const ref of analysis.references) this.checkReference([...at, 'when'], when, ref, node, false);
    }
    if ((type === 'activity' || type === 'workflow') && input !== undefined) this.checkTemplate([...at, 'input'], input, node, false);
    if (isPlainObject(compensate) && compensate['input'] !== undefined) {
      this.checkTemplate([...at, 'compensate', 'input'], compensate['input'], node, true);
    }
  }

  private checkOutput(): void {
    if (!isPlainObject(this.raw) || this.raw['output'] === undefined) return;
    this.checkTemplate(['output'], this.raw['output'], undefined, false);
  }

  /** `node` undefined means the document's output, which may read any node. */
  private checkTemplate(at: IssuePath, value: unknown, node: RawNode | undefined, allowSelf: boolean): void {
    const analysis = analyzeTemplate(value);
    for (const problem of analysis.problems) this.report('WEFT_BAD_EXPRESSION', [...at, ...problem.path], problem.message);
    for (const expression of analysis.expressions) {
      for (const ref of expression.references) this.checkReference([...at, ...expression.path], expression.source, ref, node, allowSelf);
    }
  }

  private checkReference(path: IssuePath, source: string, ref: string, node: RawNode | undefined, allowSelf: boolean): void {
    if (!this.ids.has(ref)) {
      this.report('WEFT_UNKNOWN_NODE', path, `expression ${quoteExpression(source)} reads unknown node "${ref}"${didYouMean(ref, this.ids)}`);
      return;
    }
    if (node === undefined || node.id === undefined) return;
    const id = node.id;
    if (ref === id) {
      if (!allowSelf) {
        this.report('WEFT_NOT_UPSTREAM', path, `"${nodesRef(ref)}" is node "${id}" itself; a node cannot read its own output (only its compensate.input can)`);
      }
      return;
    }
    const ancestry = this.ancestry!;
    // Duplicates and nodes on or after a cycle have no well-defined upstream set; those problems are already reported.
    if (this.first.get(id) !== node || !ancestry.isKnown(id)) return;
    if (ancestry.isAncestor(ref, id)) return;
    if (ancestry.isKnown(ref) && ancestry.isAncestor(id, ref)) {
      this.report('WEFT_NOT_UPSTREAM', path, `"${nodesRef(ref)}" is not upstream of "${id}": "${ref}" runs after "${id}" (it depends on it)`);
    } else {
      this.report('WEFT_NOT_UPSTREAM', path, `"${nodesRef(ref)}" is not upstream of "${id}"; add "${ref}" to dependsOn`);
    }
  }
}

/** Top-level problems first, then each node's in document order, then the output's; stable within each. */
function orderIssues(issues: readonly WeftIssue[]): WeftIssue[] {
  const rank = (issue: WeftIssue): number => {
    const [head, index] = issue.path;
    if (head === 'nodes' && typeof index === 'number') return 1 + index;
    if (head === 'output') return Number.MAX_SAFE_INTEGER;
    return 0;
  };
  const seen = new Set<string>();
  const unique = issues.filter((issue) => {
    const key = JSON.stringify([issue.code, issue.path, issue.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique
    .map((issue, order) => ({ issue, order, rank: rank(issue) }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map(({ issue }) => issue);
}

/** Validate a parsed document (e.g. from JSON.parse or a TypeScript object literal). Never throws. */
export function validateDocument(raw: unknown): ValidationResult {
  // No `reportInput`: zod would serialise the input into its error message, which overflows on deep values.
  const parsed = WeftDocumentSchema.safeParse(raw);
  const issues = [...(parsed.success ? [] : schemaIssues(parsed.error.issues, raw)), ...new Checker(raw, readNodes(raw)).run()];
  if (parsed.success && issues.length === 0) return { ok: true, document: parsed.data };
  return { ok: false, issues: orderIssues(issues) };
}

/**
 * Validate document text. Empty text and invalid JSON are one issue each, at the document's path;
 * `source` (a file name, say) only makes those two messages more specific.
 */
export function parseDocumentText(text: string, source?: string): TextValidationResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors on Windows write a BOM
  if (body.trim() === '') {
    return { ok: false, issues: [{ code: 'WEFT_EMPTY_DOCUMENT', path: [], message: source === undefined ? 'the file is empty' : `${source} is empty` }] };
  }
  const json = parseJsonText(body);
  if (!json.ok) {
    const what = source === undefined ? 'not valid JSON' : `${source} is not valid JSON`;
    return { ok: false, issues: [{ code: 'WEFT_INVALID_JSON', path: [], message: `${what}: ${json.reason}` }] };
  }
  const result = validateDocument(json.value);
  return result.ok ? { ...result, value: json.value } : result;
}

/** The validated document, or a WeftValidationError listing every issue. */
export function assertValidDocument(raw: unknown, source?: string): WeftDocument {
  const result = validateDocument(raw);
  if (!result.ok) throw new WeftValidationError(result.issues, source);
  return result.document;
}
