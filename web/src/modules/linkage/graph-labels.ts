import type { GraphNode } from './graph-api.js';

/** A node's short label, on the canvas and in the table: a record's title, a value's key. */
export function nodeLabel(node: GraphNode): string {
  if (node.type === 'record') return node.title ?? `${node.recordType} ${node.recordId.slice(0, 8)}`;
  return node.kind === 'person' && node.birthYear ? `${node.key} (${node.birthYear})` : node.key;
}
