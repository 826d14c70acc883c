import { query, type Page } from './api.js';
import { DateText, ErrorAlert, PageHeader } from './components/ui.js';
import { useResource, useTitle } from './hooks.js';
import type { Action } from './platform.js';
import { Link } from './router.js';
import { can, useSession, type Session } from './session.js';
import type { TravelDocument } from './modules/documents/api.js';
import type { Report } from './modules/reports/api.js';
import { StatusBadge } from './modules/reports/reports.js';

/** What each role does most, shown to the users whose roles allow it, in this order. */
const SHORTCUTS: readonly { label: string; path: string; action: Action }[] = [
  { label: 'Check a travel document', path: '/documents', action: 'documents.check' },
  { label: 'New report', path: '/reports/new', action: 'reports.write' },
  { label: 'Reports waiting for my approval', path: '/reports?toApprove=true', action: 'reports.approve' },
  { label: 'Hits on our documents', path: '/documents/hits', action: 'documents.answer' },
  { label: 'Register a travel document', path: '/documents/register/new', action: 'documents.write' },
  { label: 'Import reports', path: '/reports/import', action: 'reports.import' },
  { label: 'Report analysis', path: '/reports/dashboard', action: 'reports.analyse' },
  { label: 'Who read my records', path: '/audit', action: 'audit.read' },
  { label: 'Directory', path: '/directory', action: 'directory.read' },
  { label: 'Library', path: '/library', action: 'library.read' },
];

const RECENT = 5;
const DAY_MS = 86_400_000;

interface Token {
  revoked: boolean;
  expiresAt: string;
}

/** The user's home: what waits for them, their member's latest records, their roles' shortcuts. */
export function HomePage() {
  const { session, attention } = useSession();
  useTitle('Home');
  return (
    <>
      <PageHeader title={`Welcome, ${session.user.name}`} />
      <div className="home">
        <section aria-labelledby="home-attention" className="home-section">
          <h2 id="home-attention">Needs your action</h2>
          {attention === null ? (
            <p className="muted" role="status">
              Counting…
            </p>
          ) : attention.every((item) => item.count === 0) ? (
            <p>Nothing waits for you.</p>
          ) : null}
          {attention && attention.length > 0 ? (
            <ul className="attention">
              {attention.map((item) => (
                <li key={`${item.module}/${item.key}`} className={item.count > 0 ? 'attention-item attention-waiting' : 'attention-item'}>
                  <Link to={item.link} data-attention={`${item.module}/${item.key}`}>
                    <span className="attention-count">{item.count}</span> <span className="attention-label">{item.label}</span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
        <section aria-labelledby="home-shortcuts" className="home-section">
          <h2 id="home-shortcuts">Shortcuts</h2>
          <ul className="shortcuts">
            {SHORTCUTS.filter((shortcut) => can(session, shortcut.action)).map((shortcut) => (
              <li key={shortcut.path}>
                <Link to={shortcut.path}>{shortcut.label}</Link>
              </li>
            ))}
          </ul>
          <ApiDocsLink />
        </section>
        <RecentActivity session={session} />
      </div>
    </>
  );
}

/** For users who hold a live API token: where the API is described. */
function ApiDocsLink() {
  const tokens = useResource<{ data: Token[] }>('/account/tokens');
  const now = Date.now();
  const live = (tokens.data?.data ?? []).filter((token) => !token.revoked && Date.parse(token.expiresAt) > now);
  if (live.length === 0) return null;
  return (
    <p className="hint">
      You hold {live.length === 1 ? 'an API token' : `${live.length} API tokens`}: the API is described at <a href="/api/docs/">the API documentation</a>.
    </p>
  );
}

/** The member's own latest records, from the lists' own queries. */
function RecentActivity({ session }: { session: Session }) {
  const reports = useResource<Page<Report>>(`/reports${query({ mine: 'true', limit: RECENT })}`);
  const since = new Date(Date.now() - 30 * DAY_MS).toISOString().slice(0, 10);
  const documents = useResource<Page<TravelDocument>>(`/documents${query({ reportedFrom: since, limit: RECENT })}`);
  const member = session.user.memberName;
  return (
    <section aria-labelledby="home-recent" className="home-section home-recent">
      <h2 id="home-recent">Recent in {member}</h2>
      <div className="home-columns">
        <div>
          <h3>Reports, latest incidents first</h3>
          <ErrorAlert error={reports.error} />
          {reports.data?.data.length === 0 ? <p className="muted">Your member has no reports yet.</p> : null}
          <ul className="recent">
            {(reports.data?.data ?? []).map((report) => (
              <li key={report.id}>
                <Link to={`/reports/${encodeURIComponent(report.id)}`}>
                  {report.where.place ?? report.where.country ?? report.where.seaArea ?? 'Report'}
                </Link>{' '}
                <StatusBadge status={report.status} /> <DateText value={report.when?.from ?? null} />
              </li>
            ))}
          </ul>
          <p>
            <Link to="/reports?mine=true">All of your member’s reports</Link>
          </p>
        </div>
        <div>
          <h3>Travel documents reported in the last 30 days</h3>
          <ErrorAlert error={documents.error} />
          {documents.data?.data.length === 0 ? <p className="muted">None in the last 30 days.</p> : null}
          <ul className="recent">
            {(documents.data?.data ?? []).map((document) => (
              <li key={document.id}>
                <Link to={`/documents/register/${encodeURIComponent(document.id)}`}>
                  {document.issuer} {document.type} {document.number}
                </Link>{' '}
                <span className="muted">{document.status}</span> <DateText value={document.reportedOn} />
              </li>
            ))}
          </ul>
          <p>
            <Link to="/documents/register">Your member’s register</Link>
          </p>
        </div>
      </div>
    </section>
  );
}
