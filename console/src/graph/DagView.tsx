/**
 * A DAG drawn as SVG: one box per node, coloured and labelled by its live state, edges from `dependsOn`. A map
 * is one box with its item counts; a sub-DAG can be expanded in place. Each box is a button (Tab to reach it,
 * Enter to open it) carrying `data-node-id` and `data-status`.
 */
import { useMemo } from 'preact/hooks';
import type { GraphNode, NodeResult } from '../api';
import { durationOf, lookOf } from '../status';
import { innerOffset, layoutGraph, NODE_HEIGHT, type Layout, type PlacedNode } from './layout';

export interface DagViewProps {
  nodes: readonly GraphNode[];
  /** A node's state by its path (`id`, or `parent.id` inside a sub-DAG); none before a run exists. */
  stateOf: (path: string) => NodeResult | undefined;
  /** Paths of the expanded sub-DAGs. */
  expanded: ReadonlySet<string>;
  selected?: string;
  onSelect: (path: string) => void;
  onToggle: (path: string) => void;
}

function layoutWithin(nodes: readonly GraphNode[], prefix: string, expanded: ReadonlySet<string>): Layout {
  return layoutGraph(nodes, (node) => {
    const path = prefix + node.id;
    return node.type === 'dag' && node.dag && expanded.has(path)
      ? layoutWithin(node.dag.nodes, `${path}.`, expanded)
      : undefined;
  });
}

export function DagView(props: DagViewProps) {
  const layout = useMemo(() => layoutWithin(props.nodes, '', props.expanded), [props.nodes, props.expanded]);
  return (
    <div class="canvas" role="group" aria-label="The DAG">
      <svg
        width={Math.ceil(layout.width)}
        height={Math.ceil(layout.height)}
        viewBox={`0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`}
        data-graph
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0 0L10 5L0 10z" fill="#71717a" />
          </marker>
        </defs>
        <Level view={props} layout={layout} prefix="" />
      </svg>
    </div>
  );
}

/** One DAG level; `view` carries the whole view's props down unchanged. */
function Level({ view, layout, prefix }: { view: DagViewProps; layout: Layout; prefix: string }) {
  return (
    <g>
      {layout.edges.map((edge) => (
        <path
          key={`${edge.from}->${edge.to}`}
          class="edge"
          d={edge.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join('')}
          marker-end="url(#arrow)"
        />
      ))}
      {layout.nodes.map((placed) => (
        <NodeBox key={placed.node.id} view={view} placed={placed} path={prefix + placed.node.id} />
      ))}
    </g>
  );
}

function NodeBox({ view: props, placed, path }: { view: DagViewProps; placed: PlacedNode; path: string }) {
  const { node } = placed;
  const state = props.stateOf(path);
  const status = state?.status ?? 'PENDING';
  const look = lookOf(status);
  const expandable = node.type === 'dag' && !!node.dag;
  const open = () => props.onSelect(path);
  const facts = [look.label];
  if (state && state.attempts > 1) facts.push(`${state.attempts} attempts`);
  if (state?.startedAt) facts.push(durationOf(state.startedAt, state.endedAt));
  const mapLine = state?.map
    ? `${state.map.succeeded.toLocaleString('en')}/${state.map.items.toLocaleString('en')} done` +
      (state.map.failed ? `, ${state.map.failed.toLocaleString('en')} failed` : '') +
      (state.map.running ? `, ${state.map.running.toLocaleString('en')} running` : '')
    : node.map
      ? 'items not known yet'
      : undefined;
  const height = placed.inner ? 34 : NODE_HEIGHT;
  return (
    <g
      class={`node${props.selected === path ? ' selected' : ''}`}
      transform={`translate(${placed.x.toFixed(1)} ${placed.y.toFixed(1)})`}
      data-node-id={path}
      data-status={status}
      data-type={node.type}
      {...(state?.map
        ? { 'data-items': state.map.items, 'data-succeeded': state.map.succeeded, 'data-failed': state.map.failed }
        : {})}
    >
      <rect
        class="box"
        width={placed.width}
        height={placed.height}
        rx="8"
        fill={placed.inner ? '#fafafa' : look.fill}
        stroke={look.stroke}
        stroke-width={props.selected === path ? 3 : 1.5}
        stroke-dasharray={look.dashed ? '5 4' : undefined}
      />
      {/* The whole header is the button: a person clicks anywhere on the node to open it. */}
      <g
        role="button"
        tabindex={0}
        aria-label={`${node.id}, ${node.label}, ${look.label}${mapLine ? `, ${mapLine}` : ''}`}
        onClick={open}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), open())}
        class="hit"
      >
        <rect width={placed.width} height={height} rx="8" fill="transparent" />
        <path
          d={look.glyph}
          transform="translate(10 10)"
          fill="none"
          stroke={look.stroke}
          stroke-width="2"
          stroke-linecap="round"
        />
        <text x="32" y="22" class="title" fill={look.text}>
          {clip(node.id, 22)}
        </text>
        {!placed.inner && (
          <>
            <text x="10" y="41" class="sub">
              {clip(node.label, 30)}
            </text>
            <text x="10" y="57" class="sub" fill={look.text}>
              {clip(mapLine ?? facts.join(' · '), 32)}
            </text>
          </>
        )}
      </g>
      {expandable && (
        <g
          class="toggle"
          role="button"
          tabindex={0}
          data-action="expand"
          aria-expanded={!!placed.inner}
          aria-label={`${placed.inner ? 'Collapse' : 'Expand'} the sub-DAG ${node.id}`}
          transform={`translate(${placed.width - 30} 6)`}
          onClick={() => props.onToggle(path)}
          onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), props.onToggle(path))}
        >
          <rect width="24" height="22" rx="4" fill="#fff" stroke="#71717a" />
          <path d={placed.inner ? 'M7 11h10' : 'M7 11h10M12 6v10'} stroke="#27272a" stroke-width="2" />
        </g>
      )}
      {placed.inner && (
        <g transform={`translate(${innerOffset(placed).x.toFixed(1)} ${innerOffset(placed).y})`}>
          <Level view={props} layout={placed.inner} prefix={`${path}.`} />
        </g>
      )}
    </g>
  );
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The expanded sub-DAGs after a click on `path`'s toggle; collapsing a sub-DAG collapses the ones inside it too. */
export function toggleExpanded(open: ReadonlySet<string>, path: string): ReadonlySet<string> {
  const next = new Set(open);
  if (!next.has(path)) return next.add(path);
  for (const p of open) if (p === path || p.startsWith(`${path}.`)) next.delete(p);
  return next;
}
