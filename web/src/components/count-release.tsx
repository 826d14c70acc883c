import { lazy, Suspense, useMemo } from 'react';
import { useIntl } from 'react-intl';
import { query } from '../api.js';
import { useResource } from '../hooks.js';
import { msg, useT, type MessageId } from '../i18n/index.js';
import { navigate, useLocation } from '../router.js';
import { countReleaseView, type CountReleaseAnswer } from './count-release-view.js';
import { ErrorAlert, Field, Loading } from './ui.js';
import './release.css';

const ChartPanel = lazy(() => import('./charts/chart.js').then((module) => ({ default: module.ChartPanel })));

const INTERVAL_LABEL: Readonly<Record<string, MessageId>> = {
  month: msg('countRelease.interval.month'),
  quarter: msg('countRelease.interval.quarter'),
  year: msg('countRelease.interval.year'),
};

interface Props {
  /** The API path of the release, e.g. `/biometrics/release`. */
  path: string;
  /** The words of each table the release has (by name); a table without is shown by the API's English label. */
  tableLabels: Readonly<Record<string, MessageId>>;
  /** A dimension's value in words (a purpose, an outcome, an entity kind). */
  keyLabel: (value: string) => string;
  /** Each dimension's name in words, as the table's column heading. */
  dimensionLabels: Readonly<Record<string, MessageId>>;
  /** What the release counts, in a sentence (the records it adds up, including those the reader cannot see). */
  counts: string;
  /** The chart's unit on its value axis ("Searches"). */
  unit: string;
}

/**
 * One table of a module's regional release of counts (DESIGN.md §3, rule 6): the same perturbed
 * cells for every member, computed by a job; a cell that did not pass the thresholds is not there,
 * exactly like one with nothing in it, and the page says so rather than showing 0. The table and the
 * period are in the address (`table`, `interval`), so a view can be bookmarked.
 */
export function CountRelease({ path, tableLabels, keyLabel, dimensionLabels, counts, unit }: Props) {
  const t = useT();
  const intl = useIntl();
  const location = useLocation();
  const table = location.search.get('table') ?? '';
  const interval = location.search.get('interval') ?? 'quarter';
  const data = useResource<CountReleaseAnswer>(`${path}${query({ ...(table ? { table } : {}), interval })}`);
  const go = (next: { table?: string; interval?: string }) => {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(next)) params.set(key, value);
    navigate(`${location.path}?${params.toString()}`, { replace: true });
  };
  const answer = data.data;
  const shownTable = answer?.table ?? table;
  const dimensions = answer?.tables.find((candidate) => candidate.name === shownTable)?.dimensions ?? [];
  const tableName = (name: string, label: string) => (tableLabels[name] ? t(tableLabels[name]) : label);
  const view = useMemo(() => (answer ? countReleaseView(answer, dimensions.map((dimension) => (dimensionLabels[dimension] ? t(dimensionLabels[dimension]) : dimension)), keyLabel, unit, t) : null), [answer, dimensions, dimensionLabels, keyLabel, unit, t]);

  return (
    <section className="count-release" aria-label={t('countRelease.title')}>
      <div className="release-about">
        {answer?.release ? (
          <p>
            <strong>
              {t('countRelease.computed', {
                date: intl.formatDate(answer.release.computedAt, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }),
                key: answer.release.cutoff,
              })}
            </strong>{' '}
            {counts}
          </p>
        ) : answer ? (
          <p>{t('countRelease.none')}</p>
        ) : null}
        <details>
          <summary>{t('countRelease.howProtected')}</summary>
          <p className="muted">{t('countRelease.protection', { count: answer?.k ?? 5 })}</p>
        </details>
      </div>
      <form aria-label={t('countRelease.picker')} className="release-picker" onSubmit={(event) => event.preventDefault()}>
        <Field label={t('countRelease.table')}>
          {(props) => (
            <select {...props} value={shownTable} onChange={(event) => go({ table: event.target.value })}>
              {(answer?.tables ?? []).map((option) => <option key={option.name} value={option.name}>{tableName(option.name, option.label)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('countRelease.period')}>
          {(props) => (
            <select {...props} value={interval} onChange={(event) => go({ interval: event.target.value })}>
              {(answer?.intervals ?? ['month', 'quarter', 'year']).map((value) => <option key={value} value={value}>{INTERVAL_LABEL[value] ? t(INTERVAL_LABEL[value]) : value}</option>)}
            </select>
          )}
        </Field>
      </form>
      <ErrorAlert error={data.error} />
      {!answer ? (
        data.error ? null : <Loading />
      ) : answer.cells.length === 0 || !view ? (
        <p className="empty">{answer.release ? t('countRelease.noCell') : t('countRelease.noCellYet')}</p>
      ) : (
        <Suspense fallback={<Loading />}>
          <ChartPanel level={3} title={tableName(answer.table, answer.tables.find((candidate) => candidate.name === answer.table)?.label ?? answer.table)} note={t('countRelease.chartNote')} option={view.option} table={view.table} />
        </Suspense>
      )}
    </section>
  );
}
