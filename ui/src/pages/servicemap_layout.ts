// Layered layout of the service map, by hand (no graph library): callers to
// the left of their callees. Each node's column is the longest call chain
// from a node nobody calls (edges that close a cycle are left out of that
// count); within a column nodes are ordered by where their callers sit, so
// that edges cross little. Self-calls are kept aside.

export interface LayoutEdge {
  from: number;
  to: number;
}

export interface Placed {
  x: number;
  y: number;
  column: number;
}

export interface Layout {
  /** node id → its box's top left */
  at: Map<number, Placed>;
  width: number;
  height: number;
  /** edges that run right to left or within a column (drawn as arcs) */
  back: Set<LayoutEdge>;
}

export const NODE_W = 190;
export const NODE_H = 56;
const GAP_X = 130;
const GAP_Y = 34;
const PAD = 24;

/** layout places nodes (ids, in a stable order: the caller's sort decides ties) for edges between them. */
export function layout(ids: number[], edges: LayoutEdge[]): Layout {
  const out = new Map<number, LayoutEdge[]>(ids.map((id) => [id, []]));
  for (const e of edges) if (e.from !== e.to && out.has(e.from) && out.has(e.to)) out.get(e.from)!.push(e);
  // Depth-first from the nodes nobody calls (then any left, for cycles): edges to a node on the stack close a cycle.
  const called = new Set(edges.filter((e) => e.from !== e.to).map((e) => e.to));
  const state = new Map<number, 1 | 2>(); // 1 on the stack, 2 done
  const order: number[] = []; // reverse postorder: callers first
  const cyclic = new Set<LayoutEdge>();
  const visit = (n: number) => {
    state.set(n, 1);
    for (const e of out.get(n)!) {
      const s = state.get(e.to);
      if (s === 1) cyclic.add(e);
      else if (s === undefined) visit(e.to);
    }
    state.set(n, 2);
    order.push(n);
  };
  for (const id of [...ids.filter((id) => !called.has(id)), ...ids]) if (!state.has(id)) visit(id);
  order.reverse();
  const column = new Map<number, number>(ids.map((id) => [id, 0]));
  for (const n of order) for (const e of out.get(n)!) if (!cyclic.has(e)) column.set(e.to, Math.max(column.get(e.to)!, column.get(n)! + 1));

  const columns: number[][] = [];
  for (const id of ids) (columns[column.get(id)!] ??= []).push(id);
  // Order each column by the mean row of its callers in the columns before it.
  const row = new Map<number, number>();
  columns.forEach((col, c) => {
    if (c > 0) {
      const mean = (id: number) => {
        const rows = edges.filter((e) => e.to === id && column.get(e.from)! < c).map((e) => row.get(e.from)!);
        return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Infinity;
      };
      const keyed = col.map((id, i) => ({ id, m: mean(id), i }));
      keyed.sort((a, b) => a.m - b.m || a.i - b.i);
      col.splice(0, col.length, ...keyed.map((k) => k.id));
    }
    col.forEach((id, i) => row.set(id, i));
  });

  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y;
  const at = new Map<number, Placed>();
  columns.forEach((col, c) => {
    const top = (height - (col.length * NODE_H + (col.length - 1) * GAP_Y)) / 2;
    col.forEach((id, i) => at.set(id, { x: PAD + c * (NODE_W + GAP_X), y: top + i * (NODE_H + GAP_Y), column: c }));
  });
  const back = new Set(edges.filter((e) => e.from !== e.to && at.has(e.from) && at.has(e.to) && at.get(e.to)!.column <= at.get(e.from)!.column));
  const width = PAD * 2 + Math.max(1, columns.length) * NODE_W + Math.max(0, columns.length - 1) * GAP_X;
  return { at, width, height: height + (back.size ? NODE_H : 0), back };
}

/** cubic is the point at t of the cubic Bézier p0..p3 (pairs of x, y). */
function cubic(t: number, ...p: [number, number][]): [number, number] {
  const u = 1 - t;
  const w = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
  return [0, 1].map((k) => p.reduce((a, q, i) => a + w[i] * q[k], 0)) as [number, number];
}

/**
 * edgePath is an SVG path from a caller's box to its callee's (arcs under
 * the boxes for back edges), and where its label goes: past the middle,
 * so that the labels of edges fanning out of one node do not pile up.
 */
export function edgePath(a: Placed, b: Placed, back: boolean): { d: string; mx: number; my: number } {
  let p: [number, number][];
  if (!back) {
    const [x1, y1, x2, y2] = [a.x + NODE_W, a.y + NODE_H / 2, b.x - 2, b.y + NODE_H / 2];
    const dx = (x2 - x1) / 2;
    p = [[x1, y1], [x1 + dx, y1], [x2 - dx, y2], [x2, y2]];
  } else {
    const [x1, y1, x2, y2] = [a.x + NODE_W / 2, a.y + NODE_H, b.x + NODE_W / 2, b.y + NODE_H + 2];
    const low = Math.max(y1, y2) + NODE_H * 0.9;
    p = [[x1, y1], [x1, low], [x2, low], [x2, y2]];
  }
  const [mx, my] = cubic(back ? 0.5 : 0.62, ...p);
  return { d: `M${p[0][0]},${p[0][1]} C${p[1][0]},${p[1][1]} ${p[2][0]},${p[2][1]} ${p[3][0]},${p[3][1]}`, mx, my };
}
