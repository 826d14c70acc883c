import { useState } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Notice } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { Link } from '../../router.js';
import type { BulkBody, BulkFilter, BulkResult, Report } from './api.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';

export type BulkAct = BulkResult['act'];
type Refusal = BulkResult['refused'][number];

/** What the user picked: some reports of the list, or every report matching its filter. */
export interface BulkSelection {
  ids: ReadonlySet<string>;
  allMatching: boolean;
}

/** The words of each act; the ones with a number take it as `count`. */
const WORDS: Record<BulkAct, { button: MessageId; question: MessageId; confirm: MessageId; done: MessageId; none: MessageId }> = {
  submit: {
    button: msg('reports.bulk.submit.button'),
    question: msg('reports.bulk.submit.question'),
    confirm: msg('reports.bulk.submit.confirm'),
    done: msg('reports.bulk.submit.done'),
    none: msg('reports.bulk.submit.none'),
  },
  approve: {
    button: msg('reports.bulk.approve.button'),
    question: msg('reports.bulk.approve.question'),
    confirm: msg('reports.bulk.approve.confirm'),
    done: msg('reports.bulk.approve.done'),
    none: msg('reports.bulk.approve.none'),
  },
};

const REASONS: Record<Refusal['reason'], MessageId> = {
  'not-found': msg('reports.bulk.reason.notFound'),
  'not-owner': msg('reports.bulk.reason.notOwner'),
  role: msg('reports.bulk.reason.role'),
  status: msg('reports.bulk.reason.status'),
  'four-eyes': msg('reports.bulk.reason.fourEyes'),
};

/** The list's filters in the address as the API's filter: the empty ones left out, `mine` a boolean. */
export function bulkFilter(applied: Readonly<Record<string, string>>): BulkFilter {
  const filter: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(applied)) {
    if (value === '') continue;
    filter[key] = key === 'mine' || key === 'toApprove' ? value === 'true' : value;
  }
  return filter;
}

/** The reports that could not be acted on, by reason, with links to the first of each. */
function Refused({ refused }: { refused: readonly Refusal[] }) {
  const t = useT();
  const byReason = new Map<Refusal['reason'], Refusal[]>();
  for (const refusal of refused) byReason.set(refusal.reason, [...(byReason.get(refusal.reason) ?? []), refusal]);
  return (
    <ul className="bulk-refused">
      {[...byReason].map(([reason, list]) => (
        <li key={reason}>
          {t('reports.bulk.refused', { count: list.length, type: t(REASONS[reason]) })}
          {reason === 'not-found' ? null : (
            <span className="muted">
              {' '}
              (
              {list.slice(0, 5).map((refusal, index) => (
                <span key={refusal.id}>
                  {index > 0 ? ', ' : ''}
                  <Link to={`/reports/${encodeURIComponent(refusal.id)}`}><code>{refusal.id.slice(0, 8)}</code></Link>
                </span>
              ))}
              {list.length > 5 ? ', …' : ''})
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * Submit or approve the selected reports at once. The server judges the selection first (a dry
 * run), the user confirms the number it names, and exactly those reports are sent, all or nothing.
 */
export function BulkActions(props: {
  selection: BulkSelection;
  filter: BulkFilter;
  acts: readonly BulkAct[];
  /** After an act: clear the selection and reload the list. */
  onDone: () => void;
}) {
  const { selection, filter, acts, onDone } = props;
  const action = useSubmit();
  const t = useT();
  const [pending, setPending] = useState<BulkResult | null>(null);
  const [outcome, setOutcome] = useState<{ act: BulkAct; done: number; refused: Refusal[] } | null>(null);
  const count = selection.allMatching ? null : selection.ids.size;
  const nothing = !selection.allMatching && selection.ids.size === 0;

  const ask = (act: BulkAct): void => {
    setOutcome(null);
    void action.run(async () => {
      const body: BulkBody = selection.allMatching ? { filter, dryRun: true } : { ids: [...selection.ids], dryRun: true };
      setPending(await api.post<BulkResult>(`/reports/bulk/${act}`, body));
    });
  };
  const confirm = (judged: BulkResult): void => {
    void action.run(async () => {
      const result = await api.post<BulkResult>(`/reports/bulk/${judged.act}`, { ids: judged.ids } satisfies BulkBody);
      setPending(null);
      setOutcome({ act: judged.act, done: result.done, refused: judged.refused });
      onDone();
    });
  };

  return (
    <section className="panel bulk-actions" aria-label={t('reports.bulk.label')}>
      <div className="actions">
        <span className="muted" role="status">
          {selection.allMatching ? t('reports.bulk.allSelected') : t('reports.bulk.selected', { count: count ?? 0 })}
        </span>
        {acts.map((act) => (
          <button key={act} type="button" className="button-secondary" disabled={nothing || action.busy} onClick={() => ask(act)}>
            {t(WORDS[act].button)}
          </button>
        ))}
      </div>
      {pending ? (
        <div role="alertdialog" aria-label={t('reports.bulk.confirm')} className="bulk-confirm">
          {pending.done > 0 ? <p><strong>{t(WORDS[pending.act].question, { count: pending.done })}</strong></p> : <p><strong>{t(WORDS[pending.act].none)}</strong></p>}
          {pending.refused.length > 0 ? (
            <>
              <p>{pending.done > 0 ? t('reports.bulk.leftAsTheyAre', { count: pending.refused.length }) : t('reports.bulk.why')}</p>
              <Refused refused={pending.refused} />
            </>
          ) : null}
          <div className="actions">
            {pending.done > 0 ? (
              <button type="button" className="button-primary" disabled={action.busy} onClick={() => confirm(pending)}>
                {t(WORDS[pending.act].confirm, { count: pending.done })}
              </button>
            ) : null}
            <button type="button" className="button-secondary" disabled={action.busy} onClick={() => setPending(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      ) : null}
      {outcome ? (
        <Notice tone="success">
          {t(WORDS[outcome.act].done, { count: outcome.done })}
          {outcome.refused.length > 0 ? (
            <>
              {' '}{t('reports.bulk.notActedOn', { count: outcome.refused.length })}
              <Refused refused={outcome.refused} />
            </>
          ) : null}
        </Notice>
      ) : null}
      <ErrorAlert error={action.error} />
    </section>
  );
}

/** Whether the user may act on this report in bulk at all (its abilities say so). */
export function selectable(report: Pick<Report, 'abilities'>, acts: readonly BulkAct[]): boolean {
  return acts.some((act) => report.abilities[act]);
}
