import { useState, type SubmitEvent } from 'react';
import { useIntl } from 'react-intl';
import { api, ApiError } from '../../api.js';
import { CodePicker, type PickerItem } from '../../components/code-picker.js';
import { draftOf, draftProblemId, SharingFields, sharingPointers, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Field, PageHeader } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { useSession } from '../../session.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { LAW_ENFORCEMENT, OUTCOMES, PEOPLE_COUNTS, type CodeLists, type Report, type ReportOne } from './api.js';
import { codeItems, COUNT_LABEL, type CodeListName } from './labels.js';
import { useT } from '../../i18n/index.js';
import { draftFrom, emptyCounts, inputOf, NARRATIVE_MAX, narrativeCheck, newKey, type Draft, type LegDraft, type PeopleDraft } from './report-draft.js';
import { WillBeSeenBy, type ReportDefaults } from './report-sharing.js';

interface FormProps {
  report: Report | null;
  /** The member's default sharing, for a new report. */
  defaults: ReportDefaults['data'] | null;
  lists: CodeLists;
  members: MemberSummary[];
  groups: Group[];
  agencies: string[];
  memberName: string;
}


/** The report form: a new report (starting from the member's default sharing) or an edit. */
export function ReportForm({ report, defaults, lists, members, groups, agencies, memberName }: FormProps) {
  const { session } = useSession();
  const t = useT();
  const intl = useIntl();
  const itemsOf = (list: CodeListName): PickerItem[] => codeItems(t, list, lists[list]);
  const [draft, setDraft] = useState<Draft>(() => draftFrom(report, defaults?.countsInRegional));
  const [sharing, setSharing] = useState<SharingDraft>(() => draftOf(report?.sharing ?? defaults?.sharing ?? { audience: { kind: 'owner' }, tlp: 'AMBER' }));
  const { busy, error, setError, run } = useSubmit();
  const back = report ? `/reports/${encodeURIComponent(report.id)}` : '/reports';
  const set = (change: Partial<Draft>): void => setDraft((current) => ({ ...current, ...change }));
  const at = (pointer: string): string | undefined => error?.fieldError(pointer);
  const countryOptions = lists.countries.map((country) => (
    <option key={country.code} value={country.code} translate="no">
      {country.name}
    </option>
  ));

  const setLeg = (index: number, change: Partial<LegDraft>): void => set({ route: draft.route.map((leg, i) => (i === index ? { ...leg, ...change } : leg)) });
  const moveLeg = (index: number, by: -1 | 1): void => {
    const route = [...draft.route];
    const [leg] = route.splice(index, 1);
    if (leg) route.splice(index + by, 0, leg);
    set({ route });
  };
  const setGroup = (index: number, change: Partial<PeopleDraft>): void => set({ people: draft.people.map((group, i) => (i === index ? { ...group, ...change } : group)) });

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const sharingProblem = draftProblemId(sharing);
    const problems = [
      !draft.incidentType ? { pointer: '/incidentType', detail: t('reports.form.chooseType') } : null,
      !draft.country && !(draft.placeKind === 'at-sea' && (draft.seaArea.trim() || draft.sourceRegion))
        ? { pointer: '/where/country', detail: t('reports.form.chooseCountry') }
        : null,
      sharingProblem ? { pointer: '/sharing/evaluation', detail: t(sharingProblem) } : null,
    ].filter((problem) => problem !== null);
    if (problems.length > 0) {
      setError(new ApiError(400, t('common.invalidRequest'), t('reports.form.checkFields'), problems));
      return;
    }
    void run(async () => {
      const input = inputOf(draft, sharing);
      const saved = report ? await api.put<ReportOne>(`/reports/${encodeURIComponent(report.id)}`, input) : await api.post<ReportOne>('/reports', input);
      navigate(`/reports/${encodeURIComponent(saved.data.id)}`);
    });
  };

  const check = narrativeCheck(draft.narrative);
  const narrativeHint = check.found.length > 0
    ? t('reports.form.narrativeFound', { names: intl.formatList(check.found.map((id) => t(id)), { type: 'conjunction' }), count: check.left })
    : t('reports.form.narrativeHint', { count: check.left });

  const shown = [
    '/agency', '/when', '/where', '/incidentType', '/origin', '/destination', '/route', '/people', '/vulnerabilities', '/outcomes', '/fee', '/smugglers',
    '/documents', '/lawEnforcement', '/source', '/narrative', ...sharingPointers(sharing),
  ];

  return (
    <>
      <PageHeader title={report ? t('reports.form.editTitle') : t('reports.form.newTitle')} />
      {report?.status === 'shared' ? <p className="alert alert-warning">{t('reports.form.sharedWarning')}</p> : null}
      {report?.status === 'submitted' ? <p className="alert alert-warning">{t('reports.form.submittedWarning')}</p> : null}
      <form onSubmit={submit} noValidate className="document-form">
        <ErrorAlert error={error} shown={shown} />

        <fieldset className="fieldset">
          <legend>{t('reports.form.incident')}</legend>
          <div className="form-grid">
            <Field label={t('reports.form.incidentType')} error={at('/incidentType')}>
              {(props) => (
                <select {...props} required value={draft.incidentType} onChange={(event) => set({ incidentType: event.target.value })}>
                  <option value="">{t('reports.form.choose')}</option>
                  {itemsOf('incidentTypes').map((item) => (
                    <option key={item.code} value={item.code}>
                      {item.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('reports.form.agency')} hint={agencies.length === 0 ? t('reports.form.noAgencies') : undefined} error={at('/agency')}>
              {(props) => (
                <select {...props} value={draft.agency} onChange={(event) => set({ agency: event.target.value })}>
                  <option value="">{t('reports.form.notGiven')}</option>
                  {agencies.map((agency) => (
                    <option key={agency} value={agency} translate="no">
                      {agency}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('reports.form.from')} error={at('/when/from')}>
              {(props) => <input {...props} type="date" value={draft.whenFrom} onChange={(event) => set({ whenFrom: event.target.value })} />}
            </Field>
            <Field label={t('reports.form.to')} hint={t('reports.form.toHint')} error={at('/when/to')}>
              {(props) => <input {...props} type="date" value={draft.whenTo} onChange={(event) => set({ whenTo: event.target.value })} />}
            </Field>
            <Field label={t('reports.form.country')} error={at('/where/country')}>
              {(props) => (
                <select {...props} required={draft.placeKind !== 'at-sea'} value={draft.country} onChange={(event) => set({ country: event.target.value })}>
                  <option value="">{draft.placeKind === 'at-sea' ? t('reports.form.farAtSea') : t('reports.form.choose')}</option>
                  {countryOptions}
                </select>
              )}
            </Field>
            <Field label={t('reports.form.place')} error={at('/where/place')}>
              {(props) => <input {...props} maxLength={200} value={draft.place} onChange={(event) => set({ place: event.target.value })} />}
            </Field>
            <Field label={t('reports.form.placeKind')} error={at('/where/kind')}>
              {(props) => (
                <select {...props} value={draft.placeKind} onChange={(event) => set({ placeKind: event.target.value })}>
                  <option value="">{t('reports.form.notGiven')}</option>
                  {itemsOf('placeKinds').map((item) => (
                    <option key={item.code} value={item.code}>
                      {item.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {draft.placeKind === 'at-sea' ? (
              <Field label={t('reports.form.seaArea')} hint={t('reports.form.seaAreaHint')} error={at('/where/seaArea')}>
                {(props) => <input {...props} maxLength={120} value={draft.seaArea} onChange={(event) => set({ seaArea: event.target.value })} />}
              </Field>
            ) : null}
            <Field label={t('reports.form.latitude')} hint={t('reports.form.latitudeHint')} error={at('/where/latitude')}>
              {(props) => <input {...props} inputMode="decimal" value={draft.latitude} onChange={(event) => set({ latitude: event.target.value })} />}
            </Field>
            <Field label={t('reports.form.longitude')} error={at('/where/longitude')}>
              {(props) => <input {...props} inputMode="decimal" value={draft.longitude} onChange={(event) => set({ longitude: event.target.value })} />}
            </Field>
            <Field label={t('reports.form.origin')} error={at('/origin')}>
              {(props) => (
                <select {...props} value={draft.origin} onChange={(event) => set({ origin: event.target.value })}>
                  <option value="">{t('reports.form.notGiven')}</option>
                  {countryOptions}
                </select>
              )}
            </Field>
            <Field label={t('reports.form.destination')} error={at('/destination')}>
              {(props) => (
                <select {...props} value={draft.destination} onChange={(event) => set({ destination: event.target.value })}>
                  <option value="">{t('reports.form.notGiven')}</option>
                  {countryOptions}
                </select>
              )}
            </Field>
          </div>
        </fieldset>

        <fieldset className="fieldset">
          <legend>{t('reports.form.route')}</legend>
          <p className="hint">{t('reports.form.routeHint')}</p>
          {draft.route.map((leg, index) => (
            <div key={leg.key} className="route-leg" role="group" aria-label={t('reports.form.leg', { n: index + 1 })}>
              <div className="form-grid">
                <Field label={t('reports.form.legFrom', { n: index + 1 })} error={at(`/route/${index}/from`)}>
                  {(props) => (
                    <select {...props} value={leg.from} onChange={(event) => setLeg(index, { from: event.target.value })}>
                      <option value="">{t('reports.form.choose')}</option>
                      {countryOptions}
                    </select>
                  )}
                </Field>
                <Field label={t('reports.form.legTo', { n: index + 1 })} error={at(`/route/${index}/to`)}>
                  {(props) => (
                    <select {...props} value={leg.to} onChange={(event) => setLeg(index, { to: event.target.value })}>
                      <option value="">{t('reports.form.choose')}</option>
                      {countryOptions}
                    </select>
                  )}
                </Field>
                <Field label={t('reports.form.transit')} hint={t('reports.form.transitHint')} error={at(`/route/${index}/transit`)}>
                  {(props) => <input {...props} value={leg.transit} onChange={(event) => setLeg(index, { transit: event.target.value })} />}
                </Field>
                <Field label={t('reports.form.mode')} error={at(`/route/${index}/mode`)}>
                  {(props) => (
                    <select {...props} value={leg.mode} onChange={(event) => setLeg(index, { mode: event.target.value })}>
                      <option value="">{t('reports.form.notGiven')}</option>
                      {itemsOf('transportModes').map((item) => (
                        <option key={item.code} value={item.code}>
                          {item.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={t('reports.form.conveyance')} error={at(`/route/${index}/conveyance`)}>
                  {(props) => (
                    <select {...props} value={leg.conveyance} onChange={(event) => setLeg(index, { conveyance: event.target.value })}>
                      <option value="">{t('reports.form.notGiven')}</option>
                      {itemsOf('conveyances').map((item) => (
                        <option key={item.code} value={item.code}>
                          {item.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={t('reports.form.vesselImo')} hint={t('reports.form.vesselImoHint')} error={at(`/route/${index}/imo`)}>
                  {(props) => <input {...props} value={leg.imo} inputMode="numeric" onChange={(event) => setLeg(index, { imo: event.target.value })} />}
                </Field>
                <Field label={t('reports.form.vesselMmsi')} hint={t('reports.form.vesselMmsiHint')} error={at(`/route/${index}/mmsi`)}>
                  {(props) => <input {...props} value={leg.mmsi} inputMode="numeric" onChange={(event) => setLeg(index, { mmsi: event.target.value })} />}
                </Field>
                <Field label={t('reports.form.vesselName')} error={at(`/route/${index}/vesselName`)}>
                  {(props) => <input {...props} value={leg.vesselName} onChange={(event) => setLeg(index, { vesselName: event.target.value })} />}
                </Field>
                <Field label={t('reports.form.vesselFlag')} error={at(`/route/${index}/vesselFlag`)}>
                  {(props) => (
                    <select {...props} value={leg.vesselFlag} onChange={(event) => setLeg(index, { vesselFlag: event.target.value })}>
                      <option value="">{t('reports.form.notGiven')}</option>
                      {countryOptions}
                    </select>
                  )}
                </Field>
              </div>
              <div className="form-actions">
                <button type="button" className="button-secondary" disabled={index === 0} onClick={() => moveLeg(index, -1)}>
                  {t('reports.form.moveUp')}
                </button>
                <button type="button" className="button-secondary" disabled={index === draft.route.length - 1} onClick={() => moveLeg(index, 1)}>
                  {t('reports.form.moveDown')}
                </button>
                <button type="button" className="button-danger" onClick={() => set({ route: draft.route.filter((_, i) => i !== index) })}>
                  {t('reports.form.removeLeg', { n: index + 1 })}
                </button>
              </div>
            </div>
          ))}
          <button
            type="button"
            className="button-secondary"
            onClick={() => set({ route: [...draft.route, { key: newKey(), from: draft.route.at(-1)?.to ?? draft.origin, to: '', transit: '', mode: '', conveyance: '', imo: '', mmsi: '', vesselName: '', vesselFlag: '' }] })}
          >
            {t('reports.form.addLeg')}
          </button>
        </fieldset>

        <fieldset className="fieldset">
          <legend>{t('reports.form.people')}</legend>
          <p className="hint">{t('reports.form.peopleHint')}</p>
          {draft.people.map((group, index) => (
            <div key={group.key} className="route-leg" role="group" aria-label={t('reports.form.group', { n: index + 1 })}>
              <div className="form-grid">
                <Field label={t('reports.form.citizenship')} error={at(`/people/${index}/citizenship`)}>
                  {(props) => (
                    <select {...props} value={group.citizenship} onChange={(event) => setGroup(index, { citizenship: event.target.value })}>
                      <option value="">{t('reports.form.choose')}</option>
                      <option value="XXX">{t('reports.details.stateless')}</option>
                      {countryOptions}
                    </select>
                  )}
                </Field>
                {PEOPLE_COUNTS.map((key) => (
                  <Field key={key} label={t(COUNT_LABEL[key])} error={at(`/people/${index}/${key}`)}>
                    {(props) => <input {...props} inputMode="numeric" value={group.counts[key]} onChange={(event) => setGroup(index, { counts: { ...group.counts, [key]: event.target.value } })} />}
                  </Field>
                ))}
              </div>
              <button type="button" className="button-danger" onClick={() => set({ people: draft.people.filter((_, i) => i !== index) })}>
                {t('reports.form.removeGroup', { n: index + 1 })}
              </button>
            </div>
          ))}
          <button type="button" className="button-secondary" onClick={() => set({ people: [...draft.people, { key: newKey(), citizenship: '', counts: emptyCounts(PEOPLE_COUNTS) }] })}>
            {t('reports.form.addGroup')}
          </button>
          <CodePicker legend={t('reports.form.vulnerabilities')} items={itemsOf('vulnerabilities')} value={draft.vulnerabilities} onChange={(codes) => set({ vulnerabilities: codes })} error={at('/vulnerabilities')} />
        </fieldset>

        <fieldset className="fieldset">
          <legend>{t('reports.form.outcomes')}</legend>
          <p className="hint">{t('reports.form.countsHint')}</p>
          <div className="form-grid">
            {OUTCOMES.map((key) => (
              <Field key={key} label={t(COUNT_LABEL[key])} error={at(`/outcomes/${key}`)}>
                {(props) => <input {...props} inputMode="numeric" value={draft.outcomes[key]} onChange={(event) => set({ outcomes: { ...draft.outcomes, [key]: event.target.value } })} />}
              </Field>
            ))}
          </div>
        </fieldset>

        <fieldset className="fieldset">
          <legend>{t('reports.form.fee')}</legend>
          <div className="form-grid">
            <Field label={t('reports.form.amount')} error={at('/fee/amount')}>
              {(props) => <input {...props} inputMode="decimal" value={draft.feeAmount} onChange={(event) => set({ feeAmount: event.target.value })} />}
            </Field>
            <Field label={t('reports.form.currency')} hint={t('reports.form.currencyHint')} error={at('/fee/currency')}>
              {(props) => <input {...props} maxLength={3} value={draft.feeCurrency} onChange={(event) => set({ feeCurrency: event.target.value })} />}
            </Field>
            <Field label={t('reports.form.basis')} error={at('/fee/basis')}>
              {(props) => (
                <select {...props} value={draft.feeBasis} onChange={(event) => set({ feeBasis: event.target.value })}>
                  {itemsOf('feeBases').map((item) => (
                    <option key={item.code} value={item.code}>
                      {item.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <CodePicker legend={t('reports.form.paymentMethods')} items={itemsOf('paymentMethods')} value={draft.feePaymentMethods} onChange={(codes) => set({ feePaymentMethods: codes })} error={at('/fee/paymentMethods')} />
          <CodePicker legend={t('reports.form.feeCovers')} items={itemsOf('feeCovers')} value={draft.feeCovers} onChange={(codes) => set({ feeCovers: codes })} error={at('/fee/covers')} />
        </fieldset>

        <fieldset className="fieldset">
          <legend>{t('reports.form.smugglers')}</legend>
          <Field label={t('reports.form.smugglersCount')} error={at('/smugglers/count')}>
            {(props) => <input {...props} inputMode="numeric" value={draft.smugglersCount} onChange={(event) => set({ smugglersCount: event.target.value })} />}
          </Field>
          <CodePicker legend={t('reports.form.smugglerCitizenships')} items={lists.countries} value={draft.smugglerCitizenships} onChange={(codes) => set({ smugglerCitizenships: codes })} error={at('/smugglers/citizenships')} />
          <CodePicker legend={t('reports.form.roles')} items={itemsOf('smugglerRoles')} value={draft.smugglerRoles} onChange={(codes) => set({ smugglerRoles: codes })} error={at('/smugglers/roles')} />
          <CodePicker legend={t('reports.form.methods')} items={itemsOf('methods')} value={draft.methods} onChange={(codes) => set({ methods: codes })} error={at('/smugglers/methods')} />
        </fieldset>

        <fieldset className="fieldset">
          <legend>{t('reports.form.documents')}</legend>
          <CodePicker legend={t('reports.form.documentKinds')} items={itemsOf('documentUse')} value={draft.documentKinds} onChange={(codes) => set({ documentKinds: codes })} error={at('/documents/kinds')} />
          <CodePicker legend={t('reports.form.issuingCountries')} items={lists.countries} value={draft.documentIssuers} onChange={(codes) => set({ documentIssuers: codes })} error={at('/documents/issuingCountries')} />
        </fieldset>

        <fieldset className="fieldset">
          <legend>{t('reports.form.lawEnforcement')}</legend>
          <p className="hint">{t('reports.form.countsHint')}</p>
          <div className="form-grid">
            {LAW_ENFORCEMENT.map((key) => (
              <Field key={key} label={t(COUNT_LABEL[key])} error={at(`/lawEnforcement/${key}`)}>
                {(props) => <input {...props} inputMode="numeric" value={draft.law[key]} onChange={(event) => set({ law: { ...draft.law, [key]: event.target.value } })} />}
              </Field>
            ))}
          </div>
        </fieldset>

        <Field label={t('reports.form.source')} hint={t('reports.form.sourceHint')} error={at('/source')}>
          {(props) => <input {...props} maxLength={300} value={draft.source} onChange={(event) => set({ source: event.target.value })} />}
        </Field>
        <Field label={t('reports.form.narrative')} hint={narrativeHint} error={at('/narrative')}>
          {(props) => <textarea {...props} rows={8} maxLength={NARRATIVE_MAX} value={draft.narrative} onChange={(event) => set({ narrative: event.target.value })} />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={draft.countsInRegional} onChange={(event) => set({ countsInRegional: event.target.checked })} /> {t('reports.form.countsInRegional')}
        </label>

        <SharingFields value={sharing} onChange={setSharing} members={members.filter((member) => member.code !== session.user.member)} groups={groups} error={error} />
        <WillBeSeenBy sharing={sharing} countsInRegional={draft.countsInRegional} memberName={memberName} members={members} groups={groups} fromDefault={!report && defaults !== null} />

        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('common.saving') : report ? t('common.saveChanges') : t('reports.form.saveDraft')}
          </button>
          <Link to={back}>{t('common.cancel')}</Link>
        </div>
      </form>
    </>
  );
}
