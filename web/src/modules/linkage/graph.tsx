import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api.js';
import { download, pngOf } from '../../components/charts/download.js';
import { ErrorAlert, Field, Fieldset, Loading, Notice, PageHeader, TlpBadge } from '../../components/ui.js';
import { useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { useLocation } from '../../router.js';
import { EntityStart } from './entity-start.js';
import { KEY_KINDS, KIND_LABEL, type ExpandBody, type Filter, type Graph, type GraphEdge, type GraphNode, type KeyKind } from './graph-api.js';
import type { GraphChartInstance } from './graph-echarts.js';
import { nodeLabel } from './graph-labels.js';

// ECharts loads with the graph, not with the app.
const GraphView = lazy(() => import('./graph-view.js').then((module) => ({ default: module.GraphView })));
import './linkage.css';
import { LinkageTabs } from './linkage-tabs.js';

interface Shown {
  nodes: Map<string, GraphNode>;
  edges: Map<string, GraphEdge>;
  expanded: Set<string>;
}
const EMPTY: Shown = { nodes: new Map(), edges: new Map(), expanded: new Set() };

/** The start the address names: `?record=module/recordType/id`, or `?kind=…&key=…`. */
function startOf(search: URLSearchParams): ExpandBody | null {
  const [module, recordType, id] = (search.get('record') ?? '').split('/');
  if (module && recordType && id) return { record: { module, recordType, id } };
  const kind = search.get('kind');
  const key = search.get('key');
  if (kind && key && (KEY_KINDS as string[]).includes(kind)) return { value: { kind: kind as KeyKind, key } };
  return null;
}

/** What to ask the server to expand a node. */
function expansionOf(node: GraphNode): ExpandBody {
  if (node.type === 'record') return { record: { module: node.module, recordType: node.recordType, id: node.recordId } };
  return { value: { kind: node.kind, key: node.key, ...(node.kind === 'person' ? { birthYear: node.birthYear ?? null } : {}) } };
}

/**
 * The linkage graph: start from a record (a lead's page links here) or an entity as typed, and expand
 * one node at a time; only records the user may see come back. Filters by record date and kind of
 * value; downloads of the picture (PNG) and of what may be exported (GraphML, STIX 2.1).
 */
export function GraphPage() {
  const t = useT();
  useTitle(t('linkage.graph.title'));
  const { search } = useLocation();
  const [start, setStart] = useState<ExpandBody | null>(() => startOf(search));
  const [shown, setShown] = useState<Shown>(EMPTY);
  const [truncated, setTruncated] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [kinds, setKinds] = useState<KeyKind[]>([]);
  const [withheld, setWithheld] = useState<number | null>(null);
  const { busy, error, run } = useSubmit();
  const exporting = useSubmit();
  const chart = useRef<GraphChartInstance | null>(null);
  // The chart comes with its lazily loaded code: the PNG button waits for it.
  const [chartReady, setChartReady] = useState(false);
  const onChart = useCallback((instance: GraphChartInstance | null) => {
    chart.current = instance;
    setChartReady(instance !== null);
  }, []);

  const filter = (): Filter => ({ ...(from ? { from } : {}), ...(to ? { to } : {}), ...(kinds.length > 0 ? { kinds } : {}) });

  const expand = (body: ExpandBody, reset: boolean, expandedId?: string): void => {
    void run(async () => {
      const answer = await api.post<{ data: Graph }>('/linkage/graph', { ...body, filter: filter() });
      setShown((before) => {
        const base = reset ? EMPTY : before;
        const nodes = new Map(base.nodes);
        const edges = new Map(base.edges);
        for (const node of answer.data.nodes) nodes.set(node.id, node);
        for (const edge of answer.data.edges) edges.set(`${edge.relation} ${edge.source} ${edge.target}`, edge);
        return { nodes, edges, expanded: new Set([...base.expanded, ...(expandedId ? [expandedId] : answer.data.start)]) };
      });
      setTruncated((before) => (reset ? answer.data.truncated : before || answer.data.truncated));
      setWithheld(null);
    });
  };

  // The address's start, once: later starts come from the form.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || !start) return;
    opened.current = true;
    expand(start, true);
  });

  const nodes = [...shown.nodes.values()];
  const edges = [...shown.edges.values()];

  const exportAs = (format: 'graphml' | 'stix'): void => {
    void exporting.run(async () => {
      const records = nodes.flatMap((n) => (n.type === 'record' ? [{ module: n.module, recordType: n.recordType, id: n.recordId }] : []));
      const values = nodes.flatMap((n) => (n.type === 'value' ? [{ kind: n.kind, key: n.key, ...(n.kind === 'person' ? { birthYear: n.birthYear ?? null } : {}) }] : []));
      const { blob, headers } = await api.postFile(`/linkage/graph/export.${format}`, { records, values });
      setWithheld(Number(headers.get('lintas-withheld-records') ?? '0'));
      download(format === 'graphml' ? 'lintas-linkage.graphml' : 'lintas-linkage.stix.json', blob);
    });
  };
  const hasRecords = nodes.some((n) => n.type === 'record');

  return (
    <>
      <PageHeader title={t('linkage.graph.title')} />
      <LinkageTabs />
      <p className="muted">{t('linkage.graph.intro')}</p>

      <EntityStart
        label={t('linkage.graph.startLabel')}
        submit={t('linkage.graph.start')}
        busy={busy}
        error={error}
        onSubmit={(entity, country) => {
          const body: ExpandBody = { entity, ...(country ? { country } : {}) };
          setStart(body);
          expand(body, true);
        }}
      />

      <form
        className="filters"
        aria-label={t('linkage.graph.filters')}
        onSubmit={(event) => {
          event.preventDefault();
          if (start) expand(start, true);
        }}
      >
        <Field label={t('linkage.graph.from')}>{(props) => <input {...props} type="date" value={from} onChange={(event) => setFrom(event.target.value)} />}</Field>
        <Field label={t('linkage.graph.to')}>{(props) => <input {...props} type="date" value={to} onChange={(event) => setTo(event.target.value)} />}</Field>
        <Fieldset legend={t('linkage.graph.kinds')} hint={t('linkage.graph.kindsHint')} className="checkbox-grid linkage-kinds">
          {KEY_KINDS.map((kind) => (
            <label key={kind} className="check">
              <input type="checkbox" checked={kinds.includes(kind)} onChange={(event) => setKinds((list) => (event.target.checked ? [...list, kind] : list.filter((k) => k !== kind)))} />
              {t(KIND_LABEL[kind])}
            </label>
          ))}
        </Fieldset>
        <div className="form-actions">
          <button type="submit" className="button-secondary" disabled={busy || !start}>
            {t('linkage.graph.apply')}
          </button>
        </div>
      </form>

      <ErrorAlert error={error ?? exporting.error} shown={['/entity', '/country']} />
      {truncated ? <Notice tone="warning">{t('linkage.graph.truncated')}</Notice> : null}
      {withheld ? <Notice tone="warning">{t('linkage.graph.withheld', { count: withheld })}</Notice> : null}

      <section className="panel linkage-graph" aria-labelledby="linkage-graph-heading">
        <div className="linkage-graph-head">
          <h2 id="linkage-graph-heading">{t('linkage.graph.heading')}</h2>
          <div className="actions" role="group" aria-label={t('linkage.graph.downloads')}>
            <button type="button" className="button-secondary" disabled={nodes.length === 0 || !chartReady} onClick={() => chart.current && download('lintas-linkage.png', pngOf(chart.current))}>
              {t('linkage.graph.png')}
            </button>
            <button type="button" className="button-secondary" disabled={!hasRecords || exporting.busy} onClick={() => exportAs('graphml')}>
              {t('linkage.graph.graphml')}
            </button>
            <button type="button" className="button-secondary" disabled={!hasRecords || exporting.busy} onClick={() => exportAs('stix')}>
              {t('linkage.graph.stix')}
            </button>
          </div>
        </div>
        <p className="muted" role="status">
          {busy ? t('ui.loading') : nodes.length === 0 ? t('linkage.graph.empty') : t('linkage.graph.count', { nodes: nodes.length, edges: edges.length })}
        </p>
        <Suspense fallback={<Loading />}>
          <GraphView nodes={nodes} edges={edges} expanded={shown.expanded} onExpand={(node) => expand(expansionOf(node), false, node.id)} onChart={onChart} />
        </Suspense>
      </section>

      {nodes.length > 0 ? (
        <section aria-labelledby="linkage-nodes-heading">
          <h2 id="linkage-nodes-heading">{t('linkage.graph.nodes')}</h2>
          <div className="table-wrap linkage-nodes">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('linkage.graph.node')}</th>
                  <th scope="col">{t('linkage.graph.what')}</th>
                  <th scope="col">{t('linkage.graph.owner')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('linkage.graph.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {nodes.map((node) => (
                  <tr key={node.id}>
                    <td translate="no">{nodeLabel(node)}</td>
                    <td>{node.type === 'record' ? <>{t('linkage.graph.record')} <TlpBadge tlp={node.tlp} /></> : t(KIND_LABEL[node.kind])}</td>
                    <td translate="no">{node.type === 'record' ? node.owner : ''}</td>
                    <td>
                      <button type="button" className="button-secondary" disabled={busy || shown.expanded.has(node.id)} onClick={() => expand(expansionOf(node), false, node.id)}>
                        {shown.expanded.has(node.id) ? t('linkage.graph.expanded') : t('linkage.graph.expand')}
                        <span className="visually-hidden"> {nodeLabel(node)}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}
