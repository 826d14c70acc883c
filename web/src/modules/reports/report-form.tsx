import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { CodePicker, type PickerItem } from '../../components/code-picker.js';
import { DEFAULT_SHARING, draftOf, draftProblem, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Field, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { Group, MemberOne, MemberSummary } from '../directory/api.js';
import {
  LAW_ENFORCEMENT, OUTCOMES, PEOPLE_COUNTS, type CodeLists, type LawEnforcementCount, type Outcome, type PeopleCount, type Report, type ReportDraftInput, type ReportOne,
} from './api.js';

/** The form's state: the report as text fields (numbers are typed as text and converted on save). */
interface LegDraft {
  key: number;
  from: string;
  to: string;
  transit: string;
  mode: string;
  conveyance: string;
}
interface PeopleDraft {
  key: number;
  citizenship: string;
  counts: Record<PeopleCount, string>;
}
interface Draft {
  agency: string;
  whenFrom: string;
  whenTo: string;
  country: string;
  place: string;
  latitude: string;
  longitude: string;
  placeKind: string;
  seaArea: string;
  /** Kept as the report has them: the region its source gives, and the country its place's words name. */
  sourceRegion: string | undefined;
  namedCountry: string | undefined;
  incidentType: string;
  origin: string;
  destination: string;
  route: LegDraft[];
  people: PeopleDraft[];
  vulnerabilities: string[];
  outcomes: Record<Outcome, string>;
  feeAmount: string;
  feeCurrency: string;
  feeBasis: string;
  feePaymentMethods: string[];
  feeCovers: string[];
  smugglersCount: string;
  smugglerCitizenships: string[];
  smugglerRoles: string[];
  methods: string[];
  documentKinds: string[];
  documentIssuers: string[];
  law: Record<LawEnforcementCount, string>;
  source: string;
  /** What the source says of itself (set by imports): not edited here, kept as it is. */
  sourceDetails: Report['sourceDetails'];
  narrative: string;
  countsInRegional: boolean;
}

const NARRATIVE_MAX = 4000;
let nextKey = 1;
const text = (value: number | undefined): string => (value === undefined ? '' : String(value));
const emptyCounts = <K extends string>(keys: readonly K[]): Record<K, string> => Object.fromEntries(keys.map((key) => [key, ''])) as Record<K, string>;

function draftFrom(report: Report | null): Draft {
  return {
    agency: report?.agency ?? '',
    whenFrom: report?.when?.from ?? '',
    whenTo: report?.when?.to ?? '',
    country: report?.where.country ?? '',
    place: report?.where.place ?? '',
    latitude: text(report?.where.latitude),
    longitude: text(report?.where.longitude),
    placeKind: report?.where.kind ?? '',
    seaArea: report?.where.seaArea ?? '',
    sourceRegion: report?.where.sourceRegion,
    namedCountry: report?.where.namedCountry,
    incidentType: report?.incidentType ?? '',
    origin: report?.origin ?? '',
    destination: report?.destination ?? '',
    route: (report?.route ?? []).map((leg) => ({ key: nextKey++, from: leg.from, to: leg.to, transit: (leg.transit ?? []).join(', '), mode: leg.mode ?? '', conveyance: leg.conveyance ?? '' })),
    people: (report?.people ?? []).map((group) => ({
      key: nextKey++,
      citizenship: group.citizenship,
      counts: Object.fromEntries(PEOPLE_COUNTS.map((key) => [key, text(group[key])])) as Record<PeopleCount, string>,
    })),
    vulnerabilities: report?.vulnerabilities ?? [],
    outcomes: Object.fromEntries(OUTCOMES.map((key) => [key, report?.outcomes?.[key] ? String(report.outcomes[key]) : ''])) as Record<Outcome, string>,
    feeAmount: text(report?.fee?.amount),
    feeCurrency: report?.fee?.currency ?? '',
    feeBasis: report?.fee?.basis ?? 'per-person',
    feePaymentMethods: report?.fee?.paymentMethods ?? [],
    feeCovers: report?.fee?.covers ?? [],
    smugglersCount: text(report?.smugglers?.count),
    smugglerCitizenships: report?.smugglers?.citizenships ?? [],
    smugglerRoles: report?.smugglers?.roles ?? [],
    methods: report?.smugglers?.methods ?? [],
    documentKinds: report?.documents?.kinds ?? [],
    documentIssuers: report?.documents?.issuingCountries ?? [],
    law: Object.fromEntries(LAW_ENFORCEMENT.map((key) => [key, report?.lawEnforcement?.[key] ? String(report.lawEnforcement[key]) : ''])) as Record<LawEnforcementCount, string>,
    source: report?.source ?? '',
    sourceDetails: report?.sourceDetails,
    narrative: report?.narrative ?? '',
    countsInRegional: report?.countsInRegional ?? false,
  };
}

/** A typed number, or undefined when blank (a non-number goes to the server, which names the field). */
const numberOf = (value: string): number | undefined => (value.trim() === '' ? undefined : Number(value.trim()));
const some = <T extends object>(value: T): T | undefined => (Object.values(value).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)) ? value : undefined);
const counts = <K extends string>(values: Record<K, string>): Partial<Record<K, number>> =>
  Object.fromEntries(Object.entries<string>(values).flatMap(([key, value]) => (numberOf(value) === undefined ? [] : [[key, numberOf(value)]]))) as Partial<Record<K, number>>;
const blankToUndefined = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());

function inputOf(draft: Draft, sharing: SharingDraft): ReportDraftInput {
  const input: ReportDraftInput = {
    where: draft.country ? { country: draft.country } : {},
    incidentType: draft.incidentType,
    route: draft.route.map((leg) => {
      const transit = leg.transit.split(',').map((place) => place.trim()).filter(Boolean);
      return { from: leg.from, to: leg.to, ...(transit.length > 0 ? { transit } : {}), ...(leg.mode ? { mode: leg.mode } : {}), ...(leg.conveyance ? { conveyance: leg.conveyance } : {}) };
    }),
    people: draft.people.map((group) => ({ citizenship: group.citizenship, ...counts(group.counts) })),
    vulnerabilities: draft.vulnerabilities,
    outcomes: counts(draft.outcomes),
    lawEnforcement: counts(draft.law),
    narrative: draft.narrative,
    countsInRegional: draft.countsInRegional,
    sharing: toSharing(sharing),
  };
  const place = blankToUndefined(draft.place);
  const latitude = numberOf(draft.latitude);
  const longitude = numberOf(draft.longitude);
  if (place !== undefined) input.where.place = place;
  if (latitude !== undefined) input.where.latitude = latitude;
  if (longitude !== undefined) input.where.longitude = longitude;
  if (draft.placeKind) input.where.kind = draft.placeKind;
  const seaArea = blankToUndefined(draft.seaArea);
  if (seaArea !== undefined && draft.placeKind === 'at-sea') input.where.seaArea = seaArea;
  if (draft.sourceRegion) input.where.sourceRegion = draft.sourceRegion;
  if (draft.namedCountry) input.where.namedCountry = draft.namedCountry;
  if (draft.agency) input.agency = draft.agency;
  if (draft.whenFrom) input.when = draft.whenTo ? { from: draft.whenFrom, to: draft.whenTo } : { from: draft.whenFrom };
  if (draft.origin) input.origin = draft.origin;
  if (draft.destination) input.destination = draft.destination;
  const feeAmount = numberOf(draft.feeAmount);
  if (feeAmount !== undefined) {
    input.fee = { amount: feeAmount, currency: draft.feeCurrency.trim().toUpperCase(), basis: draft.feeBasis, paymentMethods: draft.feePaymentMethods, covers: draft.feeCovers };
  }
  const smugglers = some({ count: numberOf(draft.smugglersCount), citizenships: draft.smugglerCitizenships, roles: draft.smugglerRoles, methods: draft.methods });
  // An undefined count is left out of the JSON.
  if (smugglers) input.smugglers = smugglers;
  const documents = some({ kinds: draft.documentKinds, issuingCountries: draft.documentIssuers });
  if (documents) input.documents = documents;
  const source = blankToUndefined(draft.source);
  if (source !== undefined) input.source = source;
  if (draft.sourceDetails) input.sourceDetails = draft.sourceDetails;
  return input;
}

/** What the server will refuse in a narrative, spotted while typing (the server's check decides). */
function narrativeHint(narrative: string): string {
  const found: string[] = [];
  if (/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/.test(narrative)) found.push('an e-mail address');
  if (/\+?\d[\d\s().-]{7,}\d/.test(narrative.replace(/[A-Za-z0-9._%+-]+@\S+/g, ''))) found.push('a phone number');
  if (/\b(?=[A-Za-z0-9]{7,12}\b)(?=(?:[A-Za-z]*\d){2})[A-Za-z]*\d[A-Za-z0-9]*\b|\b\d{7,12}\b/.test(narrative)) found.push('a document number');
  const left = `${NARRATIVE_MAX - narrative.length} characters left.`;
  return found.length > 0 ? `This looks like it holds ${found.join(' and ')}: reports name no one, so remove it. ${left}` : `Name no one: no names, dates of birth, document or phone numbers, e-mail addresses. ${left}`;
}

export function ReportNewPage() {
  useTitle('New report');
  const { session } = useSession();
  if (!can(session, 'reports.write')) {
    return (
      <>
        <PageHeader title="New report" />
        <p>Your role does not allow writing reports.</p>
      </>
    );
  }
  return <ReportFormLoader report={null} />;
}

export function ReportEditPage({ id }: { id: string }) {
  const report = useResource<ReportOne>(`/reports/${encodeURIComponent(id)}`);
  useTitle('Edit report');
  if (!report.data) {
    return (
      <>
        <PageHeader title="Edit report" />
        {report.error ? <ErrorAlert error={report.error} /> : <Loading />}
      </>
    );
  }
  if (!report.data.abilities.update) {
    return (
      <>
        <PageHeader title="Edit report" />
        <p>Only the member that owns this report changes it, and not once it is withdrawn.</p>
      </>
    );
  }
  return <ReportFormLoader report={report.data.data} />;
}

function ReportFormLoader({ report }: { report: Report | null }) {
  const { session } = useSession();
  const lists = useResource<CodeLists>('/reports/code-lists');
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const groups = useResource<{ data: Group[] }>('/groups');
  const member = useResource<MemberOne>(`/members/${encodeURIComponent(session.user.member)}`);
  const error = lists.error ?? members.error ?? groups.error ?? member.error;
  if (error) return <ErrorAlert error={error} />;
  if (!lists.data || !members.data || !groups.data || !member.data) return <Loading />;
  return <ReportForm report={report} lists={lists.data} members={members.data.data} groups={groups.data.data} agencies={member.data.data.agencies} />;
}

interface FormProps {
  report: Report | null;
  lists: CodeLists;
  members: MemberSummary[];
  groups: Group[];
  agencies: string[];
}

const itemsOf = (labels: Record<string, string>): PickerItem[] => Object.entries(labels).map(([code, name]) => ({ code, name }));

function ReportForm({ report, lists, members, groups, agencies }: FormProps) {
  const { session } = useSession();
  const [draft, setDraft] = useState<Draft>(() => draftFrom(report));
  const [sharing, setSharing] = useState<SharingDraft>(report ? draftOf(report.sharing) : DEFAULT_SHARING);
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
            onClick={() => set({ route: [...draft.route, { key: nextKey++, from: draft.route.at(-1)?.to ?? draft.origin, to: '', transit: '', mode: '', conveyance: '' }] })}
          >
            Add a leg
          </button>
        </fieldset>

        <fieldset className="fieldset">
          <legend>People moved</legend>
          <p className="hint">Counts by citizenship; no one is named.</p>
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
                  <Field key={key} label={key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase())} error={at(`/people/${index}/${key}`)}>
                    {(props) => <input {...props} inputMode="numeric" value={group.counts[key]} onChange={(event) => setGroup(index, { counts: { ...group.counts, [key]: event.target.value } })} />}
                  </Field>
                ))}
              </div>
              <button type="button" className="button-danger" onClick={() => set({ people: draft.people.filter((_, i) => i !== index) })}>
                Remove group {index + 1}
              </button>
            </div>
          ))}
          <button type="button" className="button-secondary" onClick={() => set({ people: [...draft.people, { key: nextKey++, citizenship: '', counts: emptyCounts(PEOPLE_COUNTS) }] })}>
            Add a citizenship
          </button>
          <CodePicker legend="Vulnerabilities" items={itemsOf(lists.vulnerabilities)} value={draft.vulnerabilities} onChange={(codes) => set({ vulnerabilities: codes })} error={at('/vulnerabilities')} />
        </fieldset>

        <fieldset className="fieldset">
          <legend>Outcomes</legend>
          <div className="form-grid">
            {OUTCOMES.map((key) => (
              <Field key={key} label={key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase())} error={at(`/outcomes/${key}`)}>
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
          <div className="form-grid">
            {LAW_ENFORCEMENT.map((key) => (
              <Field key={key} label={key.replace(/^./, (c) => c.toUpperCase())} error={at(`/lawEnforcement/${key}`)}>
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
