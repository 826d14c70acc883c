import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { perform } from '../../platform/http/pipeline.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { expand } from './graph.js';
import { exportableGraph, toGraphml } from './graph-export.js';
import { Graph, GraphExpand, GraphExport } from './graph-schemas.js';
import { memberNames } from '../../platform/stix.js';
import { toStixBundle } from './stix.js';

const tags = ['linkage'];
const FileResponse = (description: string) => Type.Unsafe<string>({ type: 'string', description });
const exportDescription =
  'Only the records you may see and may pass on (rule 5: not others’ AMBER+STRICT, RED or H2 records) and the values they hold; ' +
  'the header lintas-withheld-records says how many of the records you asked for were left out for their handling. One audit row names the others’ records.';

/** The graph: one step at a time from a record or a value, and its exports. */
export function graphRoutes(app: App): void {
  app.post('/linkage/graph', {
    config: { action: 'linkage.read' },
    schema: {
      tags,
      summary: 'One step of the linkage graph: a record’s values, or the records you may see that hold a value (give one of record, value, entity)',
      body: GraphExpand,
      response: { 200: Graph, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => expand(ctx, request.body), { read: true }));

  app.post('/linkage/graph/export.graphml', {
    config: { action: 'linkage.read' },
    schema: { tags, summary: 'The graph you show, as GraphML', description: exportDescription, body: GraphExport, response: { 200: FileResponse('GraphML'), ...problemResponses } },
  }, async (request, reply) => {
    const graph = await perform(request, (ctx) => exportableGraph(ctx, request.body, 'graphml'));
    return reply.type('application/graphml+xml; charset=utf-8').header('content-disposition', 'attachment; filename="lintas-linkage.graphml"')
      .header('lintas-withheld-records', String(graph.withheld)).send(toGraphml(graph));
  });

  app.post('/linkage/graph/export.stix', {
    config: { action: 'linkage.read' },
    schema: {
      tags,
      summary: 'The graph you show, as a STIX 2.1 bundle with the TLP 2.0 marking definitions',
      description: exportDescription,
      body: GraphExport,
      response: { 200: FileResponse('STIX 2.1 bundle (JSON)'), ...problemResponses },
    },
  }, async (request, reply) => {
    const { graph, members } = await perform(request, async (ctx) => {
      const graph = await exportableGraph(ctx, request.body, 'stix');
      return { graph, members: await memberNames(ctx, [...new Set(graph.records.map((r) => r.info.owner))]) };
    });
    return reply.type('application/stix+json; version=2.1; charset=utf-8').header('content-disposition', 'attachment; filename="lintas-linkage.stix.json"')
      .header('lintas-withheld-records', String(graph.withheld)).send(JSON.stringify(toStixBundle(graph, members), null, 2));
  });
}
