import type { ReactNode } from 'react';
import { DateText } from '../../components/ui.js';
import { labelOf, LAW_ENFORCEMENT, OUTCOMES, PEOPLE_COUNTS, type CodeLists, type LawEnforcementCount, type Outcome, type PeopleCount, type Report } from './api.js';
import { counted, WORDS } from './words.js';

/**
 * A report's content as a person reads it: labels, not codes; a count the report left blank reads
 * "not known", and 0 only where it gave 0; a part with nothing in it is left out.
 */

export const COUNT_LABELS: Record<PeopleCount | Outcome | LawEnforcementCount, string> = {
  adultMen: 'Men', adultWomen: 'Women', boys: 'Boys', girls: 'Girls', unknownSexOrAge: 'Sex or age unknown', unaccompaniedChildren: 'Unaccompanied children',
  intercepted: 'Intercepted', rescued: 'Rescued', dead: 'Dead', missing: 'Missing', returned: 'Returned', claimedAsylum: 'Claimed asylum',
  arrests: 'Arrests', charges: 'Charges', prosecutions: 'Prosecutions', convictions: 'Convictions',
};

export function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** A count as given, or "not known" when the report left it blank. */
export function Count({ value }: { value: number | undefined }) {
  return value === undefined ? <span className="muted">{WORDS.notKnown}</span> : <>{value.toLocaleString('en')}</>;
}

const listOf = (labels: Record<string, string> | undefined, codes: readonly string[] | undefined): string =>
  (codes ?? []).map((code) => labelOf(labels, code)).join(', ');

/** The source's links: each http(s) address a link, anything else as text. */
function SourceLinks({ text }: { text: string }) {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  return (
    <>
      {parts.map((part, index) => (
        <span key={index}>
          {index > 0 ? ', ' : ''}
          {/^https?:\/\//i.test(part) ? (
            <a href={part} target="_blank" rel="noopener noreferrer">
              {part}
            </a>
          ) : (
            part
          )}
        </span>
      ))}
    </>
  );
}

/** Counts a report gave, in words ("Arrests 2, charges not known" leaves the unknown ones out); null when it gave none. */
function givenCounts<K extends Outcome | LawEnforcementCount>(keys: readonly K[], counts: Partial<Record<K, number>> | undefined): ReactNode {
  const given = keys.filter((key) => counts?.[key] !== undefined);
  if (given.length === 0) return null;
  return given.map((key, index) => (
    <span key={key}>
      {index > 0 ? ', ' : ''}
      {COUNT_LABELS[key]}: {(counts?.[key] ?? 0).toLocaleString('en')}
    </span>
  ));
}

function PeopleMoved({ data, country }: { data: Report; country: (code: string | undefined) => string }) {
  const people = data.people ?? [];
  // A column no group gave is left out; a cell a group left blank reads "not known".
  const columns = PEOPLE_COUNTS.filter((key) => people.some((group) => group[key] !== undefined));
  return (
    <section aria-labelledby="report-people">
      <h2 id="report-people">People moved ({counted(data.peopleTotal, 'person')})</h2>
      {people.length === 0 ? (
        <p className="muted">No people counted.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="People moved, by citizenship" tabIndex={0}>
          <table className="table people-table">
            <thead>
              <tr>
                <th scope="col">Citizenship</th>
                {columns.map((key) => (
                  <th key={key} scope="col">
                    {COUNT_LABELS[key]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {people.map((group) => (
                <tr key={group.citizenship}>
                  <th scope="row">{group.citizenship === 'XXX' ? 'Stateless or unknown' : country(group.citizenship)}</th>
                  {columns.map((key) => (
                    <td key={key}>
                      <Count value={group[key]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function ReportDetails({ data, codes, country }: { data: Report; codes: CodeLists | undefined; country: (code: string | undefined) => string }) {
  const smugglers = data.smugglers;
  const smugglerParts = [
    smugglers?.count !== undefined ? counted(smugglers.count, 'smuggler') : '',
    (smugglers?.citizenships ?? []).map(country).join(', '),
    listOf(codes?.smugglerRoles, smugglers?.roles),
  ].filter(Boolean);
  const documents = [listOf(codes?.documentUse, data.documents?.kinds), (data.documents?.issuingCountries ?? []).map((code) => `issued by ${country(code)}`).join(', ')].filter(Boolean);
  const outcomes = givenCounts(OUTCOMES, data.outcomes);
  const law = givenCounts(LAW_ENFORCEMENT, data.lawEnforcement);
  const vulnerabilities = listOf(codes?.vulnerabilities, data.vulnerabilities);
  const methods = listOf(codes?.methods, smugglers?.methods);
  return (
    <>
      <h2>When and where</h2>
      <dl className="details">
        <Row label="Date">
          <DateText value={data.when?.from ?? null} />
          {data.when?.to ? (
            <>
              {' – '}
              <DateText value={data.when.to} />
            </>
          ) : null}
        </Row>
        <Row label="Country">{data.where.country ? country(data.where.country) : 'None: far at sea'}</Row>
        {data.where.seaArea ? <Row label="Sea area">{data.where.seaArea}</Row> : null}
        {data.where.sourceRegion ? <Row label="Source's region">{data.where.sourceRegion}</Row> : null}
        {data.where.namedCountry ? <Row label="Country the place's words name">{country(data.where.namedCountry)} (the point is not there: check it)</Row> : null}
        {data.where.place ? <Row label="Place">{data.where.place}</Row> : null}
        {data.where.kind ? <Row label="Kind of place">{labelOf(codes?.placeKinds, data.where.kind)}</Row> : null}
        {data.where.latitude !== undefined && data.where.longitude !== undefined ? <Row label="Coordinates">{`${data.where.latitude}, ${data.where.longitude}`}</Row> : null}
        {data.origin || data.destination ? (
          <Row label="Origin → destination">
            {data.origin ? country(data.origin) : WORDS.notKnown} → {data.destination ? country(data.destination) : WORDS.notKnown}
          </Row>
        ) : null}
      </dl>
      <h2>Route</h2>
      {data.route && data.route.length > 0 ? (
        <ol>
          {data.route.map((leg, index) => (
            <li key={index}>
              {country(leg.from)} → {country(leg.to)}
              {leg.transit && leg.transit.length > 0 ? ` via ${leg.transit.join(', ')}` : ''}
              {leg.mode ? ` · ${labelOf(codes?.transportModes, leg.mode)}` : ''}
              {leg.conveyance ? ` · ${labelOf(codes?.conveyances, leg.conveyance)}` : ''}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No route recorded.</p>
      )}
      <PeopleMoved data={data} country={country} />
      <dl className="details">
        {vulnerabilities ? <Row label="Vulnerabilities">{vulnerabilities}</Row> : null}
        <Row label="Outcomes">{outcomes ?? <span className="muted">{WORDS.notKnown}</span>}</Row>
        {data.fee ? (
          <Row label="Fee">
            {`${data.fee.amount.toLocaleString('en')} ${data.fee.currency} ${labelOf(codes?.feeBases, data.fee.basis).toLowerCase()}`}
            {data.fee.paymentMethods && data.fee.paymentMethods.length > 0 ? ` · ${listOf(codes?.paymentMethods, data.fee.paymentMethods)}` : ''}
          </Row>
        ) : null}
        {smugglerParts.length > 0 ? <Row label="Smugglers">{smugglerParts.join(' · ')}</Row> : null}
        {methods ? <Row label="Methods">{methods}</Row> : null}
        {documents.length > 0 ? <Row label="Documents">{documents.join(' · ')}</Row> : null}
        <Row label="Law enforcement">{law ?? <span className="muted">{WORDS.notKnown}</span>}</Row>
        {data.source ? <Row label="Source">{data.source}</Row> : null}
        {data.sourceDetails?.recordId ? <Row label="Source's record">{data.sourceDetails.recordId}</Row> : null}
        {data.sourceDetails?.url ? <Row label="Source links"><SourceLinks text={data.sourceDetails.url} /></Row> : null}
        {data.sourceDetails?.quality ? <Row label="Source's quality grade">{data.sourceDetails.quality}</Row> : null}
        {data.sharing.evaluation ? <Row label="Evaluation">{`${data.sharing.evaluation.source}${data.sharing.evaluation.information}`}</Row> : null}
      </dl>
      <h2>Narrative</h2>
      {data.narrative ? <div className="body-text">{data.narrative}</div> : <p className="muted">No narrative.</p>}
    </>
  );
}
