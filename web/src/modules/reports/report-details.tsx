import type { ReactNode } from 'react';
import { DateText } from '../../components/ui.js';
import { useT, type Translate } from '../../i18n/index.js';
import { LAW_ENFORCEMENT, OUTCOMES, PEOPLE_COUNTS, type CodeLists, type LawEnforcementCount, type Outcome, type Report } from './api.js';
import { codeLabel, COUNT_LABEL, type CodeListName } from './labels.js';

/**
 * A report's content as a person reads it: labels, not codes; a count the report left blank reads
 * "not known", and 0 only where it gave 0; a part with nothing in it is left out. Country names,
 * places and what users wrote are data (translate="no").
 */

export function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** Data shown as it is: translators and the pseudo-locale leave it. */
const Data = ({ children }: { children: ReactNode }) => <span translate="no">{children}</span>;

/** A count as given, or "not known" when the report left it blank. */
export function Count({ value }: { value: number | undefined }) {
  const t = useT();
  return value === undefined ? <span className="muted">{t('reports.details.notKnown')}</span> : <>{t.number(value)}</>;
}

const listOf = (t: Translate, list: CodeListName, codes: CodeLists | undefined, given: readonly string[] | undefined): string =>
  t.list((given ?? []).map((code) => codeLabel(t, list, code, codes?.[list])));

/** The source's links: each http(s) address a link, anything else as text. */
function SourceLinks({ text }: { text: string }) {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  return (
    <span translate="no">
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
    </span>
  );
}

/** Counts a report gave, in words ("Arrests 2, charges not known" leaves the unknown ones out); null when it gave none. */
function givenCounts<K extends Outcome | LawEnforcementCount>(t: Translate, keys: readonly K[], counts: Partial<Record<K, number>> | undefined): ReactNode {
  const given = keys.filter((key) => counts?.[key] !== undefined);
  if (given.length === 0) return null;
  return given.map((key, index) => (
    <span key={key}>
      {index > 0 ? ', ' : ''}
      {t('reports.details.countOf', { name: t(COUNT_LABEL[key]), n: counts?.[key] ?? 0 })}
    </span>
  ));
}

function PeopleMoved({ data, country }: { data: Report; country: (code: string | undefined) => string }) {
  const t = useT();
  const people = data.people ?? [];
  // A column no group gave is left out; a cell a group left blank reads "not known".
  const columns = PEOPLE_COUNTS.filter((key) => people.some((group) => group[key] !== undefined));
  return (
    <section aria-labelledby="report-people">
      <h2 id="report-people">{t('reports.details.people', { count: data.peopleTotal })}</h2>
      {people.length === 0 ? (
        <p className="muted">{t('reports.details.noPeople')}</p>
      ) : (
        <div className="table-wrap" role="region" aria-label={t('reports.details.peopleTable')} tabIndex={0}>
          <table className="table people-table">
            <thead>
              <tr>
                <th scope="col">{t('reports.details.citizenship')}</th>
                {columns.map((key) => (
                  <th key={key} scope="col">
                    {t(COUNT_LABEL[key])}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {people.map((group) => (
                <tr key={group.citizenship}>
                  <th scope="row">{group.citizenship === 'XXX' ? t('reports.details.stateless') : <Data>{country(group.citizenship)}</Data>}</th>
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

/** The parts of the smugglers' row: how many, their citizenships (data), their roles. */
function smugglerParts(t: Translate, data: Report, codes: CodeLists | undefined, country: (code: string | undefined) => string): ReactNode[] {
  const smugglers = data.smugglers;
  const citizenships = (smugglers?.citizenships ?? []).map(country);
  const roles = listOf(t, 'smugglerRoles', codes, smugglers?.roles);
  return [
    smugglers?.count !== undefined ? t('reports.details.smugglers', { count: smugglers.count }) : null,
    citizenships.length > 0 ? <Data key="citizenships">{t.list(citizenships)}</Data> : null,
    roles || null,
  ].filter((part) => part !== null);
}

const joined = (parts: readonly ReactNode[]): ReactNode => parts.map((part, index) => (
  <span key={index}>
    {index > 0 ? ' · ' : ''}
    {part}
  </span>
));

function WhenAndWhere({ data, codes, country }: { data: Report; codes: CodeLists | undefined; country: (code: string | undefined) => string }) {
  const t = useT();
  const where = data.where;
  return (
    <>
      <h2>{t('reports.details.whenAndWhere')}</h2>
      <dl className="details">
        <Row label={t('reports.details.date')}>
          <DateText value={data.when?.from ?? null} />
          {data.when?.to ? (
            <>
              {' – '}
              <DateText value={data.when.to} />
            </>
          ) : null}
        </Row>
        <Row label={t('reports.details.country')}>{where.country ? <Data>{country(where.country)}</Data> : t('reports.details.farAtSea')}</Row>
        {where.seaArea ? <Row label={t('reports.details.seaArea')}><Data>{where.seaArea}</Data></Row> : null}
        {where.sourceRegion ? <Row label={t('reports.details.sourceRegion')}><Data>{where.sourceRegion}</Data></Row> : null}
        {where.namedCountry ? (
          <Row label={t('reports.details.namedCountry')}>{t.rich('reports.details.namedCountryCheck', { name: <Data>{country(where.namedCountry)}</Data> })}</Row>
        ) : null}
        {where.place ? <Row label={t('reports.details.place')}><Data>{where.place}</Data></Row> : null}
        {where.kind ? <Row label={t('reports.details.placeKind')}>{codeLabel(t, 'placeKinds', where.kind, codes?.placeKinds)}</Row> : null}
        {where.latitude !== undefined && where.longitude !== undefined ? <Row label={t('reports.details.coordinates')}>{`${where.latitude}, ${where.longitude}`}</Row> : null}
        {data.origin || data.destination ? (
          <Row label={t('reports.details.originDestination')}>
            {data.origin ? <Data>{country(data.origin)}</Data> : t('reports.details.notKnown')} → {data.destination ? <Data>{country(data.destination)}</Data> : t('reports.details.notKnown')}
          </Row>
        ) : null}
      </dl>
      <h2>{t('reports.details.route')}</h2>
      {data.route && data.route.length > 0 ? (
        <ol>
          {data.route.map((leg, index) => (
            <li key={index}>
              <Data>
                {country(leg.from)} → {country(leg.to)}
              </Data>
              {leg.transit && leg.transit.length > 0 ? <> {t.rich('reports.details.via', { names: <Data>{t.list(leg.transit)}</Data> })}</> : null}
              {leg.mode ? ` · ${codeLabel(t, 'transportModes', leg.mode, codes?.transportModes)}` : ''}
              {leg.conveyance ? ` · ${codeLabel(t, 'conveyances', leg.conveyance, codes?.conveyances)}` : ''}
              {leg.imo ?? leg.mmsi ?? leg.vesselName ? (
                <>
                  {' · '}
                  {t('reports.details.vessel')} <Data>{[leg.vesselName, leg.vesselFlag ? country(leg.vesselFlag) : undefined, leg.imo ? `IMO ${leg.imo.replace(/^\s*IMO\s*/i, '')}` : undefined, leg.mmsi ? `MMSI ${leg.mmsi}` : undefined].filter(Boolean).join(', ')}</Data>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">{t('reports.details.noRoute')}</p>
      )}
    </>
  );
}

export function ReportDetails({ data, codes, country }: { data: Report; codes: CodeLists | undefined; country: (code: string | undefined) => string }) {
  const t = useT();
  const smugglers = smugglerParts(t, data, codes, country);
  const issuers = (data.documents?.issuingCountries ?? []).map(country);
  const kinds = listOf(t, 'documentUse', codes, data.documents?.kinds);
  const documents = [kinds || null, issuers.length > 0 ? t.rich('reports.details.issuedBy', { names: <Data>{t.list(issuers)}</Data> }) : null].filter((part) => part !== null);
  const outcomes = givenCounts(t, OUTCOMES, data.outcomes);
  const law = givenCounts(t, LAW_ENFORCEMENT, data.lawEnforcement);
  const vulnerabilities = listOf(t, 'vulnerabilities', codes, data.vulnerabilities);
  const methods = listOf(t, 'methods', codes, data.smugglers?.methods);
  const notKnown = <span className="muted">{t('reports.details.notKnown')}</span>;
  const fee = data.fee;
  return (
    <>
      <WhenAndWhere data={data} codes={codes} country={country} />
      <PeopleMoved data={data} country={country} />
      <dl className="details">
        {vulnerabilities ? <Row label={t('reports.details.vulnerabilities')}>{vulnerabilities}</Row> : null}
        <Row label={t('reports.details.outcomes')}>{outcomes ?? notKnown}</Row>
        {fee ? (
          <Row label={t('reports.details.fee')}>
            {t('reports.details.feeAmount', { n: fee.amount, key: fee.currency, type: codeLabel(t, 'feeBases', fee.basis, codes?.feeBases).toLocaleLowerCase() })}
            {fee.paymentMethods && fee.paymentMethods.length > 0 ? ` · ${listOf(t, 'paymentMethods', codes, fee.paymentMethods)}` : ''}
          </Row>
        ) : null}
        {smugglers.length > 0 ? <Row label={t('reports.details.smugglersLabel')}>{joined(smugglers)}</Row> : null}
        {methods ? <Row label={t('reports.details.methods')}>{methods}</Row> : null}
        {documents.length > 0 ? <Row label={t('reports.details.documents')}>{joined(documents)}</Row> : null}
        <Row label={t('reports.details.lawEnforcement')}>{law ?? notKnown}</Row>
        {data.source ? <Row label={t('reports.details.source')}><Data>{data.source}</Data></Row> : null}
        {data.sourceDetails?.recordId ? <Row label={t('reports.details.sourceRecord')}><Data>{data.sourceDetails.recordId}</Data></Row> : null}
        {data.sourceDetails?.url ? <Row label={t('reports.details.sourceLinks')}><SourceLinks text={data.sourceDetails.url} /></Row> : null}
        {data.sourceDetails?.quality ? <Row label={t('reports.details.sourceQuality')}><Data>{data.sourceDetails.quality}</Data></Row> : null}
        {data.sharing.evaluation ? <Row label={t('reports.details.evaluation')}><code>{`${data.sharing.evaluation.source}${data.sharing.evaluation.information}`}</code></Row> : null}
      </dl>
      <h2>{t('reports.details.narrative')}</h2>
      {data.narrative ? <div className="body-text" translate="no">{data.narrative}</div> : <p className="muted">{t('reports.details.noNarrative')}</p>}
    </>
  );
}
