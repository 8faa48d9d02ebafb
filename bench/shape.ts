/**
 * The benchmark's DAG: `levels` levels of `width` no-op nodes; node (l, i) depends on (l-1, i) and
 * (l-1, i+1 mod width), so every level waits on two nodes of the one before. Shared by the Weft document
 * and the hand-written workflow so both run exactly the same graph.
 */
export interface Shape {
  levels: number;
  width: number;
}

export const nodeId = (level: number, i: number) => `n${level}_${i}`;

export function upstreamOf(level: number, i: number, width: number): string[] {
  if (level === 0) return [];
  return [...new Set([nodeId(level - 1, i), nodeId(level - 1, (i + 1) % width)])];
}

export function weftDocument({ levels, width }: Shape): Record<string, unknown> {
  const nodes = [];
  for (let l = 0; l < levels; l++) {
    for (let i = 0; i < width; i++) {
      nodes.push({
        id: nodeId(l, i),
        dependsOn: upstreamOf(l, i, width),
        activity: 'weft.echo',
        input: { node: nodeId(l, i) },
      });
    }
  }
  return { dsl: 'weft/v1', name: `bench-${levels}x${width}`, nodes };
}
