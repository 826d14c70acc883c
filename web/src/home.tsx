import type { ReactNode } from 'react';
import { query, type Page } from './api.js';
import { attentionMessage } from './attention.js';
import { DateText, ErrorAlert, PageHeader } from './components/ui.js';
import { useResource, useTitle } from './hooks.js';
import { msg, useT, type MessageId } from './i18n/index.js';
import type { Action } from './platform.js';
import { Link } from './router.js';
import { can, useSession, type Attention, type Session } from './session.js';
import { DOCUMENT_STATUS_LABEL, DOCUMENT_TYPE_LABEL, type TravelDocument } from './modules/documents/api.js';
import type { Report } from './modules/reports/api.js';
import { StatusBadge } from './modules/reports/reports.js';

/** What each role does most, shown to the users whose roles allow it, in this order. */
const SHORTCUTS: readonly { label: MessageId; path: string; action: Action }[] = [
  { label: msg('home.shortcut.checkDocument'), path: '/documents', action: 'documents.check' },
  { label: msg('home.shortcut.newReport'), path: '/reports/new', action: 'reports.write' },
  { label: msg('home.shortcut.toApprove'), path: '/reports?toApprove=true', action: 'reports.approve' },
  { label: msg('home.shortcut.hits'), path: '/documents/hits', action: 'documents.answer' },
  { label: msg('home.shortcut.registerDocument'), path: '/documents/register/new', action: 'documents.write' },
  { label: msg('home.shortcut.importReports'), path: '/reports/import', action: 'reports.import' },
  { label: msg('home.shortcut.reportAnalysis'), path: '/reports/dashboard', action: 'reports.analyse' },
  { label: msg('home.shortcut.audit'), path: '/audit', action: 'audit.read' },
  { label: msg('home.shortcut.directory'), path: '/directory', action: 'directory.read' },
  { label: msg('home.shortcut.library'), path: '/library', action: 'library.read' },
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
  const t = useT();
  useTitle(t('home.title'));
  return (
    <>
      <PageHeader title={t('home.welcome', { name: session.user.name })} />
      <div className="home">
        <section aria-labelledby="home-attention" className="home-section">
          <h2 id="home-attention">{t('home.attention.title')}</h2>
          {attention === null ? (
            <p className="muted" role="status">
              {t('home.attention.counting')}
            </p>
          ) : attention.every((item) => item.count === 0) ? (
            <p>{t('home.attention.nothing')}</p>
          ) : null}
          {attention && attention.length > 0 ? (
            <ul className="attention">
              {attention.map((item) => (
                <li key={`${item.module}/${item.key}`} className={item.count > 0 ? 'attention-item attention-waiting' : 'attention-item'}>
                  <Link to={item.link} data-attention={`${item.module}/${item.key}`}>
                    <AttentionLabel item={item} />
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
        <section aria-labelledby="home-shortcuts" className="home-section">
          <h2 id="home-shortcuts">{t('home.shortcuts.title')}</h2>
          <ul className="shortcuts">
            {SHORTCUTS.filter((shortcut) => can(session, shortcut.action)).map((shortcut) => (
              <li key={shortcut.path}>
                <Link to={shortcut.path}>{t(shortcut.label)}</Link>
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

const count = (chunks: ReactNode[]) => <span className="attention-count">{chunks}</span>;

/** "3 hits to answer": the catalogue's words for a known item, else the server's own label (data). */
function AttentionLabel({ item }: { item: Attention }) {
  const t = useT();
  const id = attentionMessage(item);
  if (id) return <span className="attention-label">{t.rich(id, { count: item.count, n: count })}</span>;
  return (
    <>
      {count([t.number(item.count)])}{' '}
      <span className="attention-label" translate="no">
        {item.label}
      </span>
    </>
  );
}

/** For users who hold a live API token: where the API is described. */
function ApiDocsLink() {
  const t = useT();
  const tokens = useResource<{ data: Token[] }>('/account/tokens');
  const now = Date.now();
  const live = (tokens.data?.data ?? []).filter((token) => !token.revoked && Date.parse(token.expiresAt) > now);
  if (live.length === 0) return null;
  return (
    <p className="hint">
      {t.rich('home.apiDocs', { count: live.length, docs: (chunks) => <a href="/api/docs/">{chunks}</a> })}
    </p>
  );
}

/** The member's own latest records, from the lists' own queries. */
function RecentActivity({ session }: { session: Session }) {
  const t = useT();
  const reports = useResource<Page<Report>>(`/reports${query({ mine: 'true', limit: RECENT })}`);
  const since = new Date(Date.now() - 30 * DAY_MS).toISOString().slice(0, 10);
  const documents = useResource<Page<TravelDocument>>(`/documents${query({ reportedFrom: since, limit: RECENT })}`);
  const member = session.user.memberName;
  return (
    <section aria-labelledby="home-recent" className="home-section home-recent">
      <h2 id="home-recent">{t('home.recent.title', { member })}</h2>
      <div className="home-columns">
        <div>
          <h3>{t('home.recent.reports')}</h3>
          <ErrorAlert error={reports.error} />
          {reports.data?.data.length === 0 ? <p className="muted">{t('home.recent.noReports')}</p> : null}
          <ul className="recent">
            {(reports.data?.data ?? []).map((report) => {
              const where = report.where.place ?? report.where.country ?? report.where.seaArea;
              return (
              <li key={report.id}>
                <Link to={`/reports/${encodeURIComponent(report.id)}`}>{where ? <span translate="no">{where}</span> : t('home.recent.report')}</Link>{' '}
                <StatusBadge status={report.status} />{' '}
                <DateText value={report.when?.from ?? null} />
              </li>
              );
            })}
          </ul>
          <p>
            <Link to="/reports?mine=true">{t('home.recent.allReports')}</Link>
          </p>
        </div>
        <div>
          <h3>{t('home.recent.documents')}</h3>
          <ErrorAlert error={documents.error} />
          {documents.data?.data.length === 0 ? <p className="muted">{t('home.recent.noDocuments')}</p> : null}
          <ul className="recent">
            {(documents.data?.data ?? []).map((document) => (
              <li key={document.id}>
                <Link to={`/documents/register/${encodeURIComponent(document.id)}`}>
                  <code>{document.issuer}</code> {t(DOCUMENT_TYPE_LABEL[document.type])} <code>{document.number}</code>
                </Link>{' '}
                <span className="muted">{t(DOCUMENT_STATUS_LABEL[document.status])}</span>{' '}
                <DateText value={document.reportedOn} />
              </li>
            ))}
          </ul>
          <p>
            <Link to="/documents/register">{t('home.recent.register')}</Link>
          </p>
        </div>
      </div>
    </section>
  );
}
