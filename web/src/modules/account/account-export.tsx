import { api } from '../../api.js';
import { download } from '../../components/charts/download.js';
import { ErrorAlert } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import type { AccountExport } from './api.js';

/** The user's own account data as a JSON file (ASVS 8.3.2): GET /account/export, handed to the browser as a download. */
export function AccountExportSection() {
  const t = useT();
  const { busy, error, run } = useSubmit();
  const fetchExport = (): void => {
    void run(async () => {
      const data = await api.get<AccountExport>('/account/export');
      download(`lintas-account-${data.exportedAt.slice(0, 10)}.json`, new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    });
  };
  return (
    <>
      <p>{t('account.export.intro')}</p>
      <ErrorAlert error={error} />
      <div className="form-actions">
        <button type="button" className="button-secondary" disabled={busy} onClick={fetchExport}>
          {t('account.export.download')}
        </button>
      </div>
    </>
  );
}
