import type { ReactNode } from 'react';
import { FilteredList, useFilteredList } from '../../components/list-filter.js';
import { DateText, PageHeader } from '../../components/ui.js';
import { useTitle } from '../../hooks.js';
import { msg, useT, type Translate } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { useMembers } from '../directory/hooks.js';
import { Coded } from './agreement.js';
import { PURPOSE_LABEL, STEP_TWO_STATUS_LABEL, STEP_TWO_STATUSES, stepTwoPath, type StepTwo } from './api.js';
import { BiometricsTabs } from './tabs.js';
import './biometrics.css';

const FILTERS = ['side', 'status'] as const;

/** Where a request stands, and "Overdue" beside it when the holder has let its deadline pass. */
export function StepTwoStatus({ request }: { request: Pick<StepTwo, 'status' | 'overdue'> }) {
  const t = useT();
  return (
    <span className="agreement-status">
      <span className={`status status-step-two-${request.status}`}>{t(STEP_TWO_STATUS_LABEL[request.status])}</span>
      {request.overdue ? <span className="status status-step-two-overdue">{t('biometrics.stepTwo.overdue')}</span> : null}
    </span>
  );
}

/** Who a request is between, from the reader's side: "From M" to the holder, "To M" to the requester. */
export function between(t: Translate, request: Pick<StepTwo, 'side' | 'requester' | 'holder'>, names: ReadonlyMap<string, string>): ReactNode {
  const name = (code: string) => <span translate="no">{names.get(code) ?? code}</span>;
  return request.side === 'holder' ? t.rich('biometrics.stepTwo.from', { member: name(request.requester) }) : t.rich('biometrics.stepTwo.to', { member: name(request.holder) });
}

/** The step-two requests the member made and those made to its gallery, newest first, filtered by direction and status. */
export function StepTwoListPage() {
  const t = useT();
  useTitle(t('biometrics.stepTwo.title'));
  const { filter, paged } = useFilteredList<StepTwo, (typeof FILTERS)[number]>('/biometrics/step-two', FILTERS);
  const members = useMembers();
  return (
    <>
      <PageHeader title={t('biometrics.title')} />
      <BiometricsTabs />
      <h2>{t('biometrics.stepTwo.title')}</h2>
      <p className="hint">{t('biometrics.stepTwo.hint')}</p>
      <FilteredList
        label={t('biometrics.stepTwo.title')}
        filter={filter}
        paged={paged}
        messages={{ empty: msg('biometrics.stepTwo.none'), noMatch: msg('biometrics.stepTwo.noMatch'), count: msg('biometrics.stepTwo.count') }}
        fields={[
          {
            kind: 'select',
            key: 'side',
            label: t('biometrics.stepTwo.side'),
            options: [
              { value: 'requester', label: t('biometrics.stepTwo.mine') },
              { value: 'holder', label: t('biometrics.stepTwo.toUs') },
            ],
          },
          { kind: 'select', key: 'status', label: t('common.status'), options: STEP_TWO_STATUSES.map((status) => ({ value: status, label: t(STEP_TWO_STATUS_LABEL[status]) })) },
        ]}
      >
        {(items) => (
          <div className="table-wrap">
            <table className="step-two-table">
              <thead>
                <tr>
                  <th scope="col">{t('biometrics.stepTwo.asked')}</th>
                  <th scope="col">{t('biometrics.stepTwo.between')}</th>
                  <th scope="col">{t('biometrics.results.reference')}</th>
                  <th scope="col">{t('biometrics.search.purpose')}</th>
                  <th scope="col">{t('common.status')}</th>
                  <th scope="col">{t('biometrics.stepTwo.due')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((request) => (
                  <tr key={request.id} className={request.overdue ? 'overdue' : undefined}>
                    <td>
                      <Link to={stepTwoPath(request.id)}>
                        <DateText value={request.requestedAt} withTime />
                      </Link>
                    </td>
                    <td>{between(t, request, members.names)}</td>
                    <td>{request.reference ? <span translate="no">{request.reference}</span> : <span className="muted">{t('biometrics.stepTwo.allCandidates')}</span>}</td>
                    <td>
                      <Coded labels={PURPOSE_LABEL} code={request.purpose} />
                    </td>
                    <td>
                      <StepTwoStatus request={request} />
                    </td>
                    <td>
                      <DateText value={request.dueAt} withTime />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </FilteredList>
    </>
  );
}
