import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { ErrorAlert, Field } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { agreementPath, type Agreement } from './api.js';

type WithReason = 'suspend' | 'terminate';

/**
 * What the member may do with the agreement now, as its `abilities` say: accept it, suspend it or
 * terminate it with a reason, resume it. Nothing shows when the member may do none of these.
 */
export function AgreementActions({ agreement, onChange }: { agreement: Agreement; onChange: (agreement: Agreement) => void }) {
  const t = useT();
  const { abilities } = agreement;
  const [asking, setAsking] = useState<WithReason | null>(null);
  const { busy, error, run } = useSubmit();
  if (!abilities.accept && !abilities.suspend && !abilities.resume && !abilities.terminate) return null;

  const act = (what: 'accept' | 'resume'): void => {
    void run(async () => {
      const changed = await api.post<{ data: Agreement }>(`${agreementPath(agreement.id)}/${what}`);
      onChange(changed.data);
    });
  };

  return (
    <section className="panel agreement-actions" aria-labelledby="agreement-actions">
      <h2 id="agreement-actions">{t('biometrics.actions.title')}</h2>
      {abilities.accept ? <p className="hint">{t('biometrics.actions.acceptHint')}</p> : null}
      <ErrorAlert error={error} />
      <div className="actions">
        {abilities.accept ? (
          <button type="button" className="button-primary" onClick={() => act('accept')} disabled={busy}>
            {t('biometrics.actions.accept')}
          </button>
        ) : null}
        {abilities.resume ? (
          <button type="button" className="button-primary" onClick={() => act('resume')} disabled={busy}>
            {t('biometrics.actions.resume')}
          </button>
        ) : null}
        {abilities.suspend ? (
          <button type="button" className="button-secondary" aria-expanded={asking === 'suspend'} onClick={() => setAsking(asking === 'suspend' ? null : 'suspend')} disabled={busy}>
            {t('biometrics.actions.suspend')}
          </button>
        ) : null}
        {abilities.terminate ? (
          <button type="button" className="button-danger" aria-expanded={asking === 'terminate'} onClick={() => setAsking(asking === 'terminate' ? null : 'terminate')} disabled={busy}>
            {t('biometrics.actions.terminate')}
          </button>
        ) : null}
      </div>
      {asking ? (
        <ReasonForm
          key={asking}
          what={asking}
          agreement={agreement}
          onDone={(changed) => {
            setAsking(null);
            onChange(changed);
          }}
        />
      ) : null}
    </section>
  );
}

/** The reason a suspension or termination gives, kept with the agreement and audited. */
function ReasonForm({ what, agreement, onDone }: { what: WithReason; agreement: Agreement; onDone: (agreement: Agreement) => void }) {
  const t = useT();
  const [reason, setReason] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (!reason.trim()) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [{ pointer: '/reason', detail: t('biometrics.actions.reasonMissing') }]));
      return;
    }
    if (what === 'terminate' && !window.confirm(t('biometrics.actions.confirmTerminate', { title: agreement.title }))) return;
    void run(async () => {
      const changed = await api.post<{ data: Agreement }>(`${agreementPath(agreement.id)}/${what}`, { reason: reason.trim() });
      onDone(changed.data);
    });
  };
  return (
    <form onSubmit={submit} noValidate className="reason-form" aria-label={what === 'suspend' ? t('biometrics.actions.suspend') : t('biometrics.actions.terminate')}>
      <ErrorAlert error={error} shown={['/reason']} />
      <Field
        label={what === 'suspend' ? t('biometrics.actions.suspendReason') : t('biometrics.actions.terminateReason')}
        hint={what === 'suspend' ? t('biometrics.actions.suspendHint') : t('biometrics.actions.terminateHint')}
        error={error?.fieldError('/reason')}
      >
        {(props) => <textarea {...props} rows={3} maxLength={2000} value={reason} onChange={(event) => setReason(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className={what === 'suspend' ? 'button-primary' : 'button-danger'} disabled={busy}>
          {busy ? t('common.saving') : what === 'suspend' ? t('biometrics.actions.suspendSubmit') : t('biometrics.actions.terminateSubmit')}
        </button>
      </div>
    </form>
  );
}
