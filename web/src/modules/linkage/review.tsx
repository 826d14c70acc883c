import { useState } from 'react';
import { api, query } from '../../api.js';
import { DateText, ErrorAlert, Field, Loading, Notice, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';
import { can, useSession } from '../../session.js';
import { EntityStart } from './entity-start.js';
import { KIND_LABEL, type ReviewValue, type VolumeRow } from './graph-api.js';
import './linkage.css';
import { LinkageTabs } from './linkage-tabs.js';

type Status = ReviewValue['status'];
const STATUS_LABEL: Readonly<Record<Status, MessageId>> = {
  common: msg('linkage.review.status.common'),
  benign: msg('linkage.review.status.benign'),
  released: msg('linkage.review.status.released'),
};
const STATUSES = Object.keys(STATUS_LABEL) as Status[];

/** The over-linking guard's queue and the warning lists: put a value on a list, or let a guarded one through. */
function Values() {
  const t = useT();
  const [status, setStatus] = useState<Status | ''>('common');
  const values = useResource<{ data: ReviewValue[] }>(`/linkage/values${query({ status })}`);
  const { busy, error, run } = useSubmit();
  const [done, setDone] = useState<string | null>(null);
  const decide = (body: Record<string, unknown>, what: string): void => {
    void run(async () => {
      await api.put('/linkage/values', body);
      setDone(what);
      values.reload();
    });
  };
  return (
    <section aria-labelledby="review-values">
      <h2 id="review-values">{t('linkage.review.values')}</h2>
      <p className="muted">{t('linkage.review.valuesIntro')}</p>
      <EntityStart
        label={t('linkage.review.addLabel')}
        submit={t('linkage.review.add')}
        busy={busy}
        error={error}
        onSubmit={(entity, country) => decide({ entity, ...(country ? { country } : {}), status: 'benign' }, t('linkage.review.added'))}
      />
      <ErrorAlert error={error} shown={['/entity', '/country']} />
      {done ? <Notice tone="success">{done}</Notice> : null}
      <div className="filters">
        <Field label={t('linkage.review.status')}>
          {(props) => (
            <select {...props} value={status} onChange={(event) => setStatus(event.target.value as Status | '')}>
              <option value="">{t('linkage.review.all')}</option>
              {STATUSES.map((value) => (
                <option key={value} value={value}>
                  {t(STATUS_LABEL[value])}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {values.loading ? <Loading /> : null}
      <ErrorAlert error={values.error} />
      {values.data && values.data.data.length === 0 ? <p className="muted">{t('linkage.review.noValues')}</p> : null}
      {values.data && values.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('linkage.review.kind')}</th>
                <th scope="col">{t('linkage.review.key')}</th>
                <th scope="col">{t('linkage.review.status')}</th>
                <th scope="col" className="linkage-number">{t('linkage.review.records')}</th>
                <th scope="col">{t('linkage.review.flagged')}</th>
                <th scope="col">{t('linkage.review.decided')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('linkage.graph.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {values.data.data.map((value) => (
                <tr key={`${value.kind} ${value.key}`}>
                  <td>{t(KIND_LABEL[value.kind as keyof typeof KIND_LABEL] ?? msg('linkage.graph.kind.other'))}</td>
                  <td translate="no">
                    <code>{value.key}</code>
                    {value.note ? <div className="muted">{value.note}</div> : null}
                  </td>
                  <td>{t(STATUS_LABEL[value.status])}</td>
                  <td className="linkage-number">{t.number(value.records)}</td>
                  <td><DateText value={value.flaggedAt} /></td>
                  <td>{value.decidedAt ? <><DateText value={value.decidedAt} /> <span translate="no">{value.decidedBy ?? ''}</span></> : '—'}</td>
                  <td>
                    <div className="inline-actions">
                      {value.status !== 'benign' ? (
                        <button type="button" className="button-secondary" disabled={busy} onClick={() => decide({ kind: value.kind, key: value.key, status: 'benign' }, t('linkage.review.listed', { key: value.key }))}>
                          {t('linkage.review.toList')}
                        </button>
                      ) : null}
                      {value.status !== 'released' ? (
                        <button type="button" className="button-secondary" disabled={busy} onClick={() => decide({ kind: value.kind, key: value.key, status: 'released' }, t('linkage.review.releasedDone', { key: value.key }))}>
                          {t('linkage.review.release')}
                        </button>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** How many notices each member was given, and how many of its matches wait, by day: fishing shows here. */
function VolumeTable() {
  const t = useT();
  const [days, setDays] = useState(30);
  const volume = useResource<{ data: VolumeRow[] }>(`/linkage/notices/volume${query({ days })}`);
  return (
    <section aria-labelledby="review-volume">
      <h2 id="review-volume">{t('linkage.review.volume')}</h2>
      <p className="muted">{t('linkage.review.volumeIntro')}</p>
      <div className="filters">
        <Field label={t('linkage.review.days')}>
          {(props) => (
            <select {...props} value={days} onChange={(event) => setDays(Number(event.target.value))}>
              {[7, 30, 90, 366].map((value) => (
                <option key={value} value={value}>
                  {t('linkage.review.lastDays', { count: value })}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {volume.loading ? <Loading /> : null}
      <ErrorAlert error={volume.error} />
      {volume.data && volume.data.data.length === 0 ? <p className="muted">{t('linkage.review.noVolume')}</p> : null}
      {volume.data && volume.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('linkage.review.day')}</th>
                <th scope="col">{t('linkage.review.member')}</th>
                <th scope="col" className="linkage-number">{t('linkage.review.notices')}</th>
                <th scope="col" className="linkage-number">{t('linkage.review.waiting')}</th>
              </tr>
            </thead>
            <tbody>
              {volume.data.data.map((row) => (
                <tr key={`${row.day} ${row.member}`}>
                  <td><DateText value={row.day} /></td>
                  <td translate="no">{row.member}</td>
                  <td className="linkage-number">{t.number(row.notices)}</td>
                  <td className="linkage-number">{t.number(row.waiting)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** The secretariat's linkage review: shown to users whose roles allow linkage.review, else a note that it is theirs. */
export function ReviewPage() {
  const t = useT();
  useTitle(t('linkage.review.title'));
  const { session } = useSession();
  return (
    <>
      <PageHeader title={t('linkage.review.title')} />
      <LinkageTabs />
      {can(session, 'linkage.review') ? (
        <>
          <Values />
          <VolumeTable />
        </>
      ) : (
        <p>{t('linkage.review.notYours')}</p>
      )}
    </>
  );
}
