import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { CodePicker, type PickerItem } from '../../components/code-picker.js';
import { draftOf, draftProblem, SharingFields, sharingPointers, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Field, PageHeader } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { useSession } from '../../session.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { LAW_ENFORCEMENT, OUTCOMES, PEOPLE_COUNTS, type CodeLists, type Report, type ReportOne } from './api.js';
import { COUNT_LABELS } from './report-details.js';
import { draftFrom, emptyCounts, inputOf, NARRATIVE_MAX, narrativeHint, newKey, type Draft, type LegDraft, type PeopleDraft } from './report-draft.js';
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

const itemsOf = (labels: Record<string, string>): PickerItem[] => Object.entries(labels).map(([code, name]) => ({ code, name }));

/** The report form: a new report (starting from the member's default sharing) or an edit. */
export function ReportForm({ report, defaults, lists, members, groups, agencies, memberName }: FormProps) {
  const { session } = useSession();
  const [draft, setDraft] = useState<Draft>(() => draftFrom(report, defaults?.countsInRegional));
  const [sharing, setSharing] = useState<SharingDraft>(() => draftOf(report?.sharing ?? defaults?.sharing ?? { audience: { kind: 'owner' }, tlp: 'AMBER' }));
  const { busy, error, setError, run } = useSubmit();
  const back = report ? `/reports/${encodeURIComponent(report.id)}` : '/reports';
  const set = (change: Partial<Draft>): void => setDraft((current) => ({ ...current, ...change }));
  const at = (pointer: string): string | undefined => error?.fieldError(pointer);
  const countryOptions = lists.countries.map((country) => (
    <option key={country.code} value={country.code}>
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
    const problems = [
      !draft.incidentType ? { pointer: '/incidentType', detail: 'Choose the type of incident.' } : null,
      !draft.country && !(draft.placeKind === 'at-sea' && (draft.seaArea.trim() || draft.sourceRegion))
        ? { pointer: '/where/country', detail: 'Choose the country where it happened (far at sea, where no country applies: choose “at sea” as the kind of place and name the sea area).' }
        : null,
      draftProblem(sharing) ? { pointer: '/sharing/evaluation', detail: draftProblem(sharing) ?? '' } : null,
    ].filter((problem) => problem !== null);
    if (problems.length > 0) {
      setError(new ApiError(400, 'Invalid request', 'Check the fields marked below.', problems));
      return;
    }
    void run(async () => {
      const input = inputOf(draft, sharing);
      const saved = report ? await api.put<ReportOne>(`/reports/${encodeURIComponent(report.id)}`, input) : await api.post<ReportOne>('/reports', input);
      navigate(`/reports/${encodeURIComponent(saved.data.id)}`);
    });
  };

  const shown = [
    '/agency', '/when', '/where', '/incidentType', '/origin', '/destination', '/route', '/people', '/vulnerabilities', '/outcomes', '/fee', '/smugglers',
    '/documents', '/lawEnforcement', '/source', '/narrative', ...sharingPointers(sharing),
  ];

  return (
    <>
      <PageHeader title={report ? 'Edit report' : 'New report'} />
      {report?.status === 'shared' ? <p className="alert alert-warning">This report is shared: saving a change sends it back for approval, and others no longer see it until it is approved again.</p> : null}
      {report?.status === 'submitted' ? <p className="alert alert-warning">This report waits for approval: saving a change returns it to draft, to be submitted again.</p> : null}
      <form onSubmit={submit} noValidate className="document-form">
        <ErrorAlert error={error} shown={shown} />

        <fieldset className="fieldset">
          <legend>The incident</legend>
          <div className="form-grid">
            <Field label="Incident type" error={at('/incidentType')}>
              {(props) => (
                <select {...props} required value={draft.incidentType} onChange={(event) => set({ incidentType: event.target.value })}>
                  <option value="">Choose…</option>
                  {itemsOf(lists.incidentTypes).map((item) => (
                    <option key={item.code} value={item.code}>
                      {item.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Reporting agency" hint={agencies.length === 0 ? 'Your member has listed no agencies.' : undefined} error={at('/agency')}>
              {(props) => (
                <select {...props} value={draft.agency} onChange={(event) => set({ agency: event.target.value })}>
                  <option value="">Not given</option>
                  {agencies.map((agency) => (
                    <option key={agency} value={agency}>
                      {agency}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="From" error={at('/when/from')}>
              {(props) => <input {...props} type="date" value={draft.whenFrom} onChange={(event) => set({ whenFrom: event.target.value })} />}
            </Field>
            <Field label="To" hint="When it lasted several days." error={at('/when/to')}>
              {(props) => <input {...props} type="date" value={draft.whenTo} onChange={(event) => set({ whenTo: event.target.value })} />}
            </Field>
            <Field label="Country" error={at('/where/country')}>
              {(props) => (
                <select {...props} required={draft.placeKind !== 'at-sea'} value={draft.country} onChange={(event) => set({ country: event.target.value })}>
                  <option value="">{draft.placeKind === 'at-sea' ? 'None: far at sea' : 'Choose…'}</option>
                  {countryOptions}
                </select>
              )}
            </Field>
            <Field label="Place" error={at('/where/place')}>
              {(props) => <input {...props} maxLength={200} value={draft.place} onChange={(event) => set({ place: event.target.value })} />}
            </Field>
            <Field label="Kind of place" error={at('/where/kind')}>
              {(props) => (
                <select {...props} value={draft.placeKind} onChange={(event) => set({ placeKind: event.target.value })}>
                  <option value="">Not given</option>
                  {itemsOf(lists.placeKinds).map((item) => (
                    <option key={item.code} value={item.code}>
                      {item.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {draft.placeKind === 'at-sea' ? (
              <Field label="Sea area" hint="Far at sea, with no country: the sea, e.g. Andaman Sea." error={at('/where/seaArea')}>
                {(props) => <input {...props} maxLength={120} value={draft.seaArea} onChange={(event) => set({ seaArea: event.target.value })} />}
              </Field>
            ) : null}
            <Field label="Latitude" hint="Optional, decimal degrees." error={at('/where/latitude')}>
              {(props) => <input {...props} inputMode="decimal" value={draft.latitude} onChange={(event) => set({ latitude: event.target.value })} />}
            </Field>
            <Field label="Longitude" error={at('/where/longitude')}>
              {(props) => <input {...props} inputMode="decimal" value={draft.longitude} onChange={(event) => set({ longitude: event.target.value })} />}
            </Field>
            <Field label="Country of origin" error={at('/origin')}>
              {(props) => (
                <select {...props} value={draft.origin} onChange={(event) => set({ origin: event.target.value })}>
                  <option value="">Not given</option>
                  {countryOptions}
                </select>
              )}
            </Field>
            <Field label="Intended destination" error={at('/destination')}>
              {(props) => (
                <select {...props} value={draft.destination} onChange={(event) => set({ destination: event.target.value })}>
                  <option value="">Not given</option>
                  {countryOptions}
                </select>
              )}
            </Field>
          </div>
        </fieldset>

        <fieldset className="fieldset">
          <legend>Route</legend>
          <p className="hint">The legs of the journey in order.</p>
          {draft.route.map((leg, index) => (
            <div key={leg.key} className="route-leg" role="group" aria-label={`Leg ${index + 1}`}>
              <div className="form-grid">
                <Field label={`Leg ${index + 1}: from`} error={at(`/route/${index}/from`)}>
                  {(props) => (
                    <select {...props} value={leg.from} onChange={(event) => setLeg(index, { from: event.target.value })}>
                      <option value="">Choose…</option>
                      {countryOptions}
                    </select>
                  )}
                </Field>
                <Field label={`Leg ${index + 1}: to`} error={at(`/route/${index}/to`)}>
                  {(props) => (
                    <select {...props} value={leg.to} onChange={(event) => setLeg(index, { to: event.target.value })}>
                      <option value="">Choose…</option>
                      {countryOptions}
                    </select>
                  )}
                </Field>
                <Field label="Transit places" hint="Separated by commas." error={at(`/route/${index}/transit`)}>
                  {(props) => <input {...props} value={leg.transit} onChange={(event) => setLeg(index, { transit: event.target.value })} />}
                </Field>
                <Field label="Mode" error={at(`/route/${index}/mode`)}>
                  {(props) => (
                    <select {...props} value={leg.mode} onChange={(event) => setLeg(index, { mode: event.target.value })}>
                      <option value="">Not given</option>
                      {itemsOf(lists.transportModes).map((item) => (
                        <option key={item.code} value={item.code}>
                          {item.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="Conveyance" error={at(`/route/${index}/conveyance`)}>
                  {(props) => (
                    <select {...props} value={leg.conveyance} onChange={(event) => setLeg(index, { conveyance: event.target.value })}>
                      <option value="">Not given</option>
                      {itemsOf(lists.conveyances).map((item) => (
                        <option key={item.code} value={item.code}>
                          {item.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </div>
              <div className="form-actions">
                <button type="button" className="button-secondary" disabled={index === 0} onClick={() => moveLeg(index, -1)}>
                  Move up
                </button>
                <button type="button" className="button-secondary" disabled={index === draft.route.length - 1} onClick={() => moveLeg(index, 1)}>
                  Move down
                </button>
                <button type="button" className="button-danger" onClick={() => set({ route: draft.route.filter((_, i) => i !== index) })}>
                  Remove leg {index + 1}
                </button>
              </div>
            </div>
          ))}
          <button
            type="button"
            className="button-secondary"
            onClick={() => set({ route: [...draft.route, { key: newKey(), from: draft.route.at(-1)?.to ?? draft.origin, to: '', transit: '', mode: '', conveyance: '' }] })}
          >
            Add a leg
          </button>
        </fieldset>

        <fieldset className="fieldset">
          <legend>People moved</legend>
          <p className="hint">Counts by citizenship; no one is named. Leave a count blank when it is not known; 0 means none.</p>
          {draft.people.map((group, index) => (
            <div key={group.key} className="route-leg" role="group" aria-label={`Group ${index + 1}`}>
              <div className="form-grid">
                <Field label="Citizenship" error={at(`/people/${index}/citizenship`)}>
                  {(props) => (
                    <select {...props} value={group.citizenship} onChange={(event) => setGroup(index, { citizenship: event.target.value })}>
                      <option value="">Choose…</option>
                      <option value="XXX">Stateless or unknown</option>
                      {countryOptions}
                    </select>
                  )}
                </Field>
                {PEOPLE_COUNTS.map((key) => (
                  <Field key={key} label={COUNT_LABELS[key]} error={at(`/people/${index}/${key}`)}>
                    {(props) => <input {...props} inputMode="numeric" value={group.counts[key]} onChange={(event) => setGroup(index, { counts: { ...group.counts, [key]: event.target.value } })} />}
                  </Field>
                ))}
              </div>
              <button type="button" className="button-danger" onClick={() => set({ people: draft.people.filter((_, i) => i !== index) })}>
                Remove group {index + 1}
              </button>
            </div>
          ))}
          <button type="button" className="button-secondary" onClick={() => set({ people: [...draft.people, { key: newKey(), citizenship: '', counts: emptyCounts(PEOPLE_COUNTS) }] })}>
            Add a citizenship
          </button>
          <CodePicker legend="Vulnerabilities" items={itemsOf(lists.vulnerabilities)} value={draft.vulnerabilities} onChange={(codes) => set({ vulnerabilities: codes })} error={at('/vulnerabilities')} />
        </fieldset>

        <fieldset className="fieldset">
          <legend>Outcomes</legend>
          <p className="hint">Leave a count blank when it is not known; 0 means none.</p>
          <div className="form-grid">
            {OUTCOMES.map((key) => (
              <Field key={key} label={COUNT_LABELS[key]} error={at(`/outcomes/${key}`)}>
                {(props) => <input {...props} inputMode="numeric" value={draft.outcomes[key]} onChange={(event) => set({ outcomes: { ...draft.outcomes, [key]: event.target.value } })} />}
              </Field>
            ))}
          </div>
        </fieldset>

        <fieldset className="fieldset">
          <legend>Fee</legend>
          <div className="form-grid">
            <Field label="Amount" error={at('/fee/amount')}>
              {(props) => <input {...props} inputMode="decimal" value={draft.feeAmount} onChange={(event) => set({ feeAmount: event.target.value })} />}
            </Field>
            <Field label="Currency" hint="ISO 4217, such as USD." error={at('/fee/currency')}>
              {(props) => <input {...props} maxLength={3} value={draft.feeCurrency} onChange={(event) => set({ feeCurrency: event.target.value })} />}
            </Field>
            <Field label="Basis" error={at('/fee/basis')}>
              {(props) => (
                <select {...props} value={draft.feeBasis} onChange={(event) => set({ feeBasis: event.target.value })}>
                  {itemsOf(lists.feeBases).map((item) => (
                    <option key={item.code} value={item.code}>
                      {item.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <CodePicker legend="Payment methods" items={itemsOf(lists.paymentMethods)} value={draft.feePaymentMethods} onChange={(codes) => set({ feePaymentMethods: codes })} error={at('/fee/paymentMethods')} />
          <CodePicker legend="The fee covers" items={itemsOf(lists.feeCovers)} value={draft.feeCovers} onChange={(codes) => set({ feeCovers: codes })} error={at('/fee/covers')} />
        </fieldset>

        <fieldset className="fieldset">
          <legend>Smugglers and methods</legend>
          <Field label="Number of smugglers" error={at('/smugglers/count')}>
            {(props) => <input {...props} inputMode="numeric" value={draft.smugglersCount} onChange={(event) => set({ smugglersCount: event.target.value })} />}
          </Field>
          <CodePicker legend="Smugglers’ citizenships" items={lists.countries} value={draft.smugglerCitizenships} onChange={(codes) => set({ smugglerCitizenships: codes })} error={at('/smugglers/citizenships')} />
          <CodePicker legend="Roles" items={itemsOf(lists.smugglerRoles)} value={draft.smugglerRoles} onChange={(codes) => set({ smugglerRoles: codes })} error={at('/smugglers/roles')} />
          <CodePicker legend="Methods" items={itemsOf(lists.methods)} value={draft.methods} onChange={(codes) => set({ methods: codes })} error={at('/smugglers/methods')} />
        </fieldset>

        <fieldset className="fieldset">
          <legend>Documents used</legend>
          <CodePicker legend="Kinds" items={itemsOf(lists.documentUse)} value={draft.documentKinds} onChange={(codes) => set({ documentKinds: codes })} error={at('/documents/kinds')} />
          <CodePicker legend="Issuing countries" items={lists.countries} value={draft.documentIssuers} onChange={(codes) => set({ documentIssuers: codes })} error={at('/documents/issuingCountries')} />
        </fieldset>

        <fieldset className="fieldset">
          <legend>Law enforcement</legend>
          <p className="hint">Leave a count blank when it is not known; 0 means none.</p>
          <div className="form-grid">
            {LAW_ENFORCEMENT.map((key) => (
              <Field key={key} label={COUNT_LABELS[key]} error={at(`/lawEnforcement/${key}`)}>
                {(props) => <input {...props} inputMode="numeric" value={draft.law[key]} onChange={(event) => set({ law: { ...draft.law, [key]: event.target.value } })} />}
              </Field>
            ))}
          </div>
        </fieldset>

        <Field label="Source" hint="Where the information comes from; grade it under Sharing › Evaluation." error={at('/source')}>
          {(props) => <input {...props} maxLength={300} value={draft.source} onChange={(event) => set({ source: event.target.value })} />}
        </Field>
        <Field label="Narrative" hint={narrativeHint(draft.narrative)} error={at('/narrative')}>
          {(props) => <textarea {...props} rows={8} maxLength={NARRATIVE_MAX} value={draft.narrative} onChange={(event) => set({ narrative: event.target.value })} />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={draft.countsInRegional} onChange={(event) => set({ countsInRegional: event.target.checked })} /> Count towards regional aggregates even where the details are not shared
        </label>

        <SharingFields value={sharing} onChange={setSharing} members={members.filter((member) => member.code !== session.user.member)} groups={groups} error={error} />
        <WillBeSeenBy sharing={sharing} countsInRegional={draft.countsInRegional} memberName={memberName} members={members} groups={groups} fromDefault={!report && defaults !== null} />

        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Saving…' : report ? 'Save changes' : 'Save as draft'}
          </button>
          <Link to={back}>Cancel</Link>
        </div>
      </form>
    </>
  );
}
