import type { ApiError } from '../api.js';
import { AUDIENCE_KINDS, HANDLING_CODES, INFORMATION_GRADES, SOURCE_GRADES, TLP_LEVELS, type AudienceKind, type HandlingCode, type InformationGrade, type Sharing, type SourceGrade, type Tlp } from '../platform.js';
import { msg, useT, type MessageId } from '../i18n/index.js';
import { CodePicker, type PickerItem } from './code-picker.js';
import { AUDIENCE_LABEL, HANDLING_MEANING, INFORMATION_MEANING, SOURCE_MEANING, TLP_MEANING } from './sharing.js';
import { Field, Fieldset, TlpBadge } from './ui.js';

/** The sharing fields as the form edits them; `toSharing` makes the API's object. */
export interface SharingDraft {
  kind: AudienceKind;
  members: string[];
  groups: string[];
  tlp: Tlp;
  handling: HandlingCode[];
  handlingNote: string;
  source: SourceGrade | '';
  information: InformationGrade | '';
}

export const DEFAULT_SHARING: SharingDraft = { kind: 'owner', members: [], groups: [], tlp: 'AMBER', handling: [], handlingNote: '', source: '', information: '' };

export function draftOf(sharing: Sharing): SharingDraft {
  return {
    kind: sharing.audience.kind,
    members: sharing.audience.members ?? [],
    groups: sharing.audience.groups ?? [],
    tlp: sharing.tlp,
    handling: sharing.handling ?? [],
    handlingNote: sharing.handlingNote ?? '',
    source: sharing.evaluation?.source ?? '',
    information: sharing.evaluation?.information ?? '',
  };
}

export function toSharing(draft: SharingDraft): Sharing {
  const audience: Sharing['audience'] = { kind: draft.kind };
  if (draft.kind === 'members') audience.members = draft.members;
  if (draft.kind === 'groups') audience.groups = draft.groups;
  const sharing: Sharing = { audience, tlp: draft.tlp, handling: draft.handling };
  if (draft.handling.includes('H3') && draft.handlingNote.trim()) sharing.handlingNote = draft.handlingNote.trim();
  sharing.evaluation = draft.source && draft.information ? { source: draft.source, information: draft.information } : null;
  return sharing;
}

/** The message when the draft cannot be sent as it is, checked before the server would refuse it (translate it with `t`). */
export function draftProblemId(draft: SharingDraft): MessageId | null {
  if (Boolean(draft.source) !== Boolean(draft.information)) return msg('sharing.fields.evaluationBothOrNeither');
  return null;
}

interface Props {
  value: SharingDraft;
  onChange: (draft: SharingDraft) => void;
  /** Other members, for an audience of named members (never the owner). */
  members: readonly PickerItem[];
  groups: readonly PickerItem[];
  error: ApiError | undefined;
  /** The JSON pointer of the sharing object in the request. */
  pointer?: string;
}

/** The pointers whose errors the fields show for this draft (the rest belong in the page alert). */
export function sharingPointers(draft: SharingDraft, pointer = '/sharing'): string[] {
  const shown = ['/audience/kind', '/tlp', '/handling', '/evaluation'];
  if (draft.kind === 'members') shown.push('/audience/members');
  if (draft.kind === 'groups') shown.push('/audience/groups');
  if (draft.handling.includes('H3')) shown.push('/handlingNote');
  return shown.map((path) => `${pointer}${path}`);
}

export function SharingFields({ value, onChange, members, groups, error, pointer = '/sharing' }: Props) {
  const t = useT();
  const set = (change: Partial<SharingDraft>): void => onChange({ ...value, ...change });
  const fieldError = (path: string): string | undefined => error?.fieldError(`${pointer}${path}`);

  const toggleHandling = (code: HandlingCode, on: boolean): void => {
    if (!on) {
      set({ handling: value.handling.filter((item) => item !== code) });
      return;
    }
    // H0 means "no restriction" and stands alone.
    set({ handling: code === 'H0' ? ['H0'] : [...value.handling.filter((item) => item !== 'H0'), code] });
  };

  return (
    <fieldset className="fieldset sharing">
      <legend>{t('sharing.fields.legend')}</legend>
      <Fieldset legend={t('sharing.fields.audience')} error={fieldError('/audience/kind')} className="radio-row">
        {AUDIENCE_KINDS.map((kind) => (
          <label key={kind} className="check">
            <input type="radio" name="audience-kind" checked={value.kind === kind} onChange={() => set({ kind })} />
            {t(AUDIENCE_LABEL[kind])}
          </label>
        ))}
        <p className="hint">{t('sharing.fields.audienceHint')}</p>
      </Fieldset>
      {value.kind === 'members' ? <CodePicker legend={t('sharing.fields.members')} items={members} value={value.members} onChange={(codes) => set({ members: codes })} error={fieldError('/audience/members')} /> : null}
      {value.kind === 'groups' ? (
        groups.length > 0 ? (
          <CodePicker legend={t('sharing.fields.groups')} items={groups} value={value.groups} onChange={(codes) => set({ groups: codes })} error={fieldError('/audience/groups')} />
        ) : (
          <p className="field-error">{t('sharing.fields.noGroup')}</p>
        )
      ) : null}

      <Fieldset legend={t('sharing.fields.tlp')} error={fieldError('/tlp')} hint={t('sharing.fields.tlpHint')}>
        {TLP_LEVELS.map((tlp) => (
          <label key={tlp} className="check check-tlp">
            <input type="radio" name="tlp" checked={value.tlp === tlp} onChange={() => set({ tlp })} />
            <TlpBadge tlp={tlp} /> <span>{t(TLP_MEANING[tlp])}</span>
          </label>
        ))}
      </Fieldset>

      <Fieldset legend={t('sharing.fields.handling')} error={fieldError('/handling')}>
        {HANDLING_CODES.map((code) => (
          <label key={code} className="check">
            <input type="checkbox" checked={value.handling.includes(code)} onChange={(event) => toggleHandling(code, event.target.checked)} />
            <strong translate="no">{code}</strong> {t(HANDLING_MEANING[code])}
          </label>
        ))}
      </Fieldset>
      {value.handling.includes('H3') ? (
        <Field label={t('sharing.fields.h3')} hint={t('sharing.fields.h3Hint')} error={fieldError('/handlingNote')}>
          {(props) => <textarea {...props} rows={2} maxLength={1000} required value={value.handlingNote} onChange={(event) => set({ handlingNote: event.target.value })} />}
        </Field>
      ) : null}

      <Fieldset legend={t('sharing.fields.evaluation')} hint={t('sharing.fields.evaluationHint')} error={fieldError('/evaluation')}>
        <div className="form-grid">
          <Field label={t('sharing.fields.source')}>
            {(props) => (
              <select {...props} value={value.source} onChange={(event) => set({ source: event.target.value as SourceGrade | '' })}>
                <option value="">{t('sharing.view.notGraded')}</option>
                {SOURCE_GRADES.map((grade) => (
                  <option key={grade} value={grade}>
                    {t(SOURCE_MEANING[grade])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('sharing.fields.information')}>
            {(props) => (
              <select {...props} value={value.information} onChange={(event) => set({ information: event.target.value as InformationGrade | '' })}>
                <option value="">{t('sharing.view.notGraded')}</option>
                {INFORMATION_GRADES.map((grade) => (
                  <option key={grade} value={grade}>
                    {t(INFORMATION_MEANING[grade])}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </Fieldset>
    </fieldset>
  );
}
