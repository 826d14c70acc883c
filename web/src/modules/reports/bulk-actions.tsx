import { useState } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Notice } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { Link } from '../../router.js';
import type { BulkBody, BulkFilter, BulkResult, Report } from './api.js';

export type BulkAct = BulkResult['act'];
type Refusal = BulkResult['refused'][number];

/** What the user picked: some reports of the list, or every report matching its filter. */
export interface BulkSelection {
  ids: ReadonlySet<string>;
  allMatching: boolean;
}

const WORDS: Record<BulkAct, { button: string; question: (n: number) => string; confirm: (n: number) => string; done: (n: number) => string; none: string }> = {
  submit: {
    button: 'Submit for approval…',
    question: (n) => `Submit ${plural(n)} for approval?`,
    confirm: (n) => `Submit ${plural(n)}`,
    done: (n) => `Submitted ${plural(n)} for approval.`,
    none: 'None of the selected reports can be submitted.',
  },
  approve: {
    button: 'Approve and share…',
    question: (n) => `Approve and share ${plural(n)}?`,
    confirm: (n) => `Approve and share ${plural(n)}`,
    done: (n) => `Approved and shared ${plural(n)}.`,
    none: 'None of the selected reports can be approved.',
  },
};

const REASONS: Record<Refusal['reason'], string> = {
  'not-found': 'not found, or not visible to you',
  'not-owner': 'another member’s',
  role: 'your role does not allow it',
  status: 'not in the status this needs',
  'four-eyes': 'submitted by you: another approver of your member approves them (four eyes)',
};

const plural = (n: number): string => `${n.toLocaleString('en')} report${n === 1 ? '' : 's'}`;

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
  const byReason = new Map<Refusal['reason'], Refusal[]>();
  for (const refusal of refused) byReason.set(refusal.reason, [...(byReason.get(refusal.reason) ?? []), refusal]);
  return (
    <ul className="bulk-refused">
      {[...byReason].map(([reason, list]) => (
        <li key={reason}>
          {plural(list.length)}: {REASONS[reason]}
          {reason === 'not-found' ? null : (
            <span className="muted">
              {' '}
              (
              {list.slice(0, 5).map((refusal, index) => (
                <span key={refusal.id}>
                  {index > 0 ? ', ' : ''}
                  <Link to={`/reports/${encodeURIComponent(refusal.id)}`}>{refusal.id.slice(0, 8)}</Link>
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
    <section className="panel bulk-actions" aria-label="Bulk actions">
      <div className="actions">
        <span className="muted" role="status">
          {selection.allMatching ? 'All reports matching the filter are selected.' : `${plural(count ?? 0)} selected.`}
        </span>
        {acts.map((act) => (
          <button key={act} type="button" className="button-secondary" disabled={nothing || action.busy} onClick={() => ask(act)}>
            {WORDS[act].button}
          </button>
        ))}
      </div>
      {pending ? (
        <div role="alertdialog" aria-label="Confirm" className="bulk-confirm">
          {pending.done > 0 ? <p><strong>{WORDS[pending.act].question(pending.done)}</strong></p> : <p><strong>{WORDS[pending.act].none}</strong></p>}
          {pending.refused.length > 0 ? (
            <>
              <p>{pending.done > 0 ? `${plural(pending.refused.length)} of the selection will be left as they are:` : 'Why:'}</p>
              <Refused refused={pending.refused} />
            </>
          ) : null}
          <div className="actions">
            {pending.done > 0 ? (
              <button type="button" className="button-primary" disabled={action.busy} onClick={() => confirm(pending)}>
                {WORDS[pending.act].confirm(pending.done)}
              </button>
            ) : null}
            <button type="button" className="button-secondary" disabled={action.busy} onClick={() => setPending(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {outcome ? (
        <Notice tone="success">
          {WORDS[outcome.act].done(outcome.done)}
          {outcome.refused.length > 0 ? (
            <>
              {' '}Not acted on: {plural(outcome.refused.length)}.
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
