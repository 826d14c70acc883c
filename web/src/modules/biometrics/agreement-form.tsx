import { useState, type SubmitEvent } from 'react';
import { api, ApiError, type FieldError } from '../../api.js';
import { CodePicker } from '../../components/code-picker.js';
import { ErrorAlert, Field, Fieldset, PageHeader } from '../../components/ui.js';
import { useSubmit, useTitle } from '../../hooks.js';
import { msg, useT, type MessageId, type Translate } from '../../i18n/index.js';
import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import { useMembers } from '../directory/hooks.js';
import {
  agreementPath,
  BIOGRAPHIC_FIELDS,
  BIOGRAPHIC_LABEL,
  FORMAT_IDS,
  PURPOSE_LABEL,
  PURPOSES,
  STEP_ONE,
  STEP_ONE_LABEL,
  todayUtc,
  type Agreement,
  type AgreementInput,
  type BiographicField,
  type Direction,
  type Purpose,
  type StepOne,
} from './api.js';
import { DirectionsEditor } from './directions-editor.js';
import { BiometricsTabs } from './tabs.js';
import './biometrics.css';

/** Every field of the form, by the pointer the API's problems name it with. */
const POINTERS = ['/title', '/parties', '/directions', '/purposes', '/formats', '/stepOne', '/stepTwoFields', '/stepTwoImages', '/stepTwoHours', '/dailyQuota', '/queryRetentionDays', '/validFrom', '/validUntil'];

interface Draft {
  title: string;
  parties: string[];
  directions: Direction[];
  purposes: Purpose[];
  formats: string[];
  stepOne: StepOne;
  stepTwoFields: BiographicField[];
  stepTwoImages: boolean;
  stepTwoHours: string;
  dailyQuota: string;
  queryRetentionDays: string;
  validFrom: string;
  validUntil: string;
}

/** Toggles a code in a list, keeping the list's own order. */
function toggled<T extends string>(all: readonly T[], chosen: readonly T[], code: T, on: boolean): T[] {
  return all.filter((item) => (item === code ? on : chosen.includes(item)));
}

/** A whole number typed in a field: undefined when left empty, NaN when not a whole number. */
function wholeNumber(text: string): number | undefined {
  if (!text.trim()) return undefined;
  const value = Number(text);
  return Number.isInteger(value) ? value : Number.NaN;
}

/** What the browser can tell before sending: the fields left empty, the numbers that are not whole. */
function draftProblems(draft: Draft, t: Translate): FieldError[] {
  const at = (pointer: string, id: MessageId): FieldError => ({ pointer, detail: t(id) });
  const problems: FieldError[] = [];
  if (!draft.title.trim()) problems.push(at('/title', msg('biometrics.form.titleMissing')));
  if (draft.parties.length === 0) problems.push(at('/parties', msg('biometrics.form.partiesMissing')));
  draft.directions.forEach((direction, index) => {
    if (!direction.holder) problems.push(at(`/directions/${index}/holder`, msg('biometrics.form.holderMissing')));
  });
  if (draft.purposes.length === 0) problems.push(at('/purposes', msg('biometrics.form.purposesMissing')));
  if (draft.formats.length === 0) problems.push(at('/formats', msg('biometrics.form.formatsMissing')));
  for (const key of ['stepTwoHours', 'dailyQuota', 'queryRetentionDays'] as const) {
    if (Number.isNaN(wholeNumber(draft[key]))) problems.push(at(`/${key}`, msg('biometrics.form.wholeNumber')));
  }
  if (!draft.validFrom) problems.push(at('/validFrom', msg('biometrics.form.validFromMissing')));
  return problems;
}

export function AgreementNewPage() {
  const t = useT();
  useTitle(t('biometrics.agreements.propose'));
  const { session } = useSession();
  if (!can(session, 'biometrics.agree')) {
    return (
      <>
        <PageHeader title={t('biometrics.agreements.propose')} />
        <BiometricsTabs />
        <p>{t('biometrics.form.notAllowed')}</p>
      </>
    );
  }
  return <AgreementForm />;
}

/** A proposal: the parties, who may search whom, for what, what each step answers, quotas and dates. In force once every party accepts it. */
function AgreementForm() {
  const t = useT();
  const { session } = useSession();
  const me = session.user.member;
  const members = useMembers();
  const [draft, setDraft] = useState<Draft>({
    title: '', parties: [], directions: [{ searcher: me, holder: '' }], purposes: [], formats: [...FORMAT_IDS], stepOne: 'reference-and-band', stepTwoFields: [],
    stepTwoImages: false, stepTwoHours: '48', dailyQuota: '', queryRetentionDays: '90', validFrom: todayUtc(), validUntil: '',
  });
  const change = (fields: Partial<Draft>): void => setDraft((current) => ({ ...current, ...fields }));
  const { busy, error, setError, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const problems = draftProblems(draft, t);
    if (problems.length > 0) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), problems));
      return;
    }
    const quota = wholeNumber(draft.dailyQuota);
    const input: AgreementInput = {
      title: draft.title.trim(),
      parties: draft.parties,
      directions: draft.directions,
      purposes: draft.purposes,
      formats: draft.formats,
      stepOne: draft.stepOne,
      stepTwoFields: draft.stepTwoFields,
      stepTwoImages: draft.stepTwoImages,
      stepTwoHours: wholeNumber(draft.stepTwoHours),
      dailyQuota: quota ?? null,
      queryRetentionDays: wholeNumber(draft.queryRetentionDays),
      validFrom: draft.validFrom,
      validUntil: draft.validUntil || null,
    };
    void run(async () => {
      const saved = await api.post<{ data: Agreement }>('/biometrics/agreements', input);
      navigate(agreementPath(saved.data.id));
    });
  };

  const others = members.list.filter((member) => member.code !== me).map((member) => ({ code: member.code, name: member.name }));
  const fieldError = (pointer: string): string | undefined => error?.fieldError(pointer);
  return (
    <>
      <PageHeader title={t('biometrics.agreements.propose')} />
      <BiometricsTabs />
      <form onSubmit={submit} noValidate className="document-form agreement-form" aria-label={t('biometrics.agreements.propose')}>
        <p className="hint">{t('biometrics.form.hint')}</p>
        <ErrorAlert error={error} shown={POINTERS} />
        <Field label={t('biometrics.form.title')} error={fieldError('/title')}>
          {(props) => <input {...props} required maxLength={300} value={draft.title} onChange={(event) => change({ title: event.target.value })} />}
        </Field>
        <CodePicker legend={t('biometrics.form.parties')} hint={t('biometrics.form.partiesHint')} items={others} value={draft.parties} onChange={(parties) => change({ parties })} error={fieldError('/parties')} />
        <DirectionsEditor value={draft.directions} parties={[me, ...draft.parties]} names={members.names} onChange={(directions) => change({ directions })} error={error} />
        <Fieldset legend={t('biometrics.agreement.purposes')} hint={t('biometrics.form.purposesHint')} error={fieldError('/purposes')} className="checkbox-grid">
          {PURPOSES.map((purpose) => (
            <label key={purpose} className="check">
              <input type="checkbox" checked={draft.purposes.includes(purpose)} onChange={(event) => change({ purposes: toggled(PURPOSES, draft.purposes, purpose, event.target.checked) })} /> {t(PURPOSE_LABEL[purpose])}
            </label>
          ))}
        </Fieldset>
        <Fieldset legend={t('biometrics.agreement.formats')} hint={t('biometrics.form.formatsHint')} error={fieldError('/formats')}>
          {FORMAT_IDS.map((format) => (
            <label key={format} className="check">
              <input type="checkbox" checked={draft.formats.includes(format)} onChange={(event) => change({ formats: toggled(FORMAT_IDS, draft.formats, format, event.target.checked) })} /> <code>{format}</code>
            </label>
          ))}
        </Fieldset>
        <Fieldset legend={t('biometrics.agreement.stepOne')} error={fieldError('/stepOne')} className="radio-row">
          {STEP_ONE.map((value) => (
            <label key={value} className="check">
              <input type="radio" name="step-one" checked={draft.stepOne === value} onChange={() => change({ stepOne: value })} /> {t(STEP_ONE_LABEL[value])}
            </label>
          ))}
        </Fieldset>
        <Fieldset legend={t('biometrics.agreement.stepTwoFields')} hint={t('biometrics.form.stepTwoFieldsHint')} error={fieldError('/stepTwoFields')} className="checkbox-grid">
          {BIOGRAPHIC_FIELDS.map((field) => (
            <label key={field} className="check">
              <input type="checkbox" checked={draft.stepTwoFields.includes(field)} onChange={(event) => change({ stepTwoFields: toggled(BIOGRAPHIC_FIELDS, draft.stepTwoFields, field, event.target.checked) })} /> {t(BIOGRAPHIC_LABEL[field])}
            </label>
          ))}
        </Fieldset>
        <label className="check">
          <input type="checkbox" checked={draft.stepTwoImages} onChange={(event) => change({ stepTwoImages: event.target.checked })} /> {t('biometrics.form.stepTwoImages')}
        </label>
        {fieldError('/stepTwoImages') ? <p className="field-error">{fieldError('/stepTwoImages')}</p> : null}
        <div className="form-grid">
          <Field label={t('biometrics.agreement.stepTwoHours')} hint={t('biometrics.form.stepTwoHoursHint')} error={fieldError('/stepTwoHours')}>
            {(props) => <input {...props} type="number" inputMode="numeric" min={1} max={720} value={draft.stepTwoHours} onChange={(event) => change({ stepTwoHours: event.target.value })} />}
          </Field>
          <Field label={t('biometrics.agreement.quota')} hint={t('biometrics.form.quotaHint')} error={fieldError('/dailyQuota')}>
            {(props) => <input {...props} type="number" inputMode="numeric" min={1} value={draft.dailyQuota} onChange={(event) => change({ dailyQuota: event.target.value })} />}
          </Field>
          <Field label={t('biometrics.form.retention')} hint={t('biometrics.form.retentionHint')} error={fieldError('/queryRetentionDays')}>
            {(props) => <input {...props} type="number" inputMode="numeric" min={1} max={3650} value={draft.queryRetentionDays} onChange={(event) => change({ queryRetentionDays: event.target.value })} />}
          </Field>
          <Field label={t('biometrics.form.validFrom')} error={fieldError('/validFrom')}>
            {(props) => <input {...props} type="date" value={draft.validFrom} onChange={(event) => change({ validFrom: event.target.value })} />}
          </Field>
          <Field label={t('biometrics.form.validUntil')} hint={t('biometrics.form.validUntilHint')} error={fieldError('/validUntil')}>
            {(props) => <input {...props} type="date" value={draft.validUntil} onChange={(event) => change({ validUntil: event.target.value })} />}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('common.saving') : t('biometrics.form.submit')}
          </button>
          <Link to="/biometrics/agreements">{t('common.cancel')}</Link>
        </div>
      </form>
    </>
  );
}
