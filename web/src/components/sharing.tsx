import type { AudienceKind, HandlingCode, InformationGrade, Sharing, SourceGrade, Tlp } from '../platform.js';
import { TlpBadge } from './ui.js';

export const TLP_MEANING: Record<Tlp, string> = {
  CLEAR: 'Recipients may share it without limit.',
  GREEN: 'Recipients may share it within their community, but not publicly.',
  AMBER: 'Recipients may share it within their organisation and with its clients, on a need-to-know basis.',
  'AMBER+STRICT': 'Recipients may share it only within their own organisation.',
  RED: 'For the named recipients only; not to be shared further.',
};

export const HANDLING_MEANING: Record<HandlingCode, string> = {
  H0: 'No restriction on use.',
  H1: 'Not to be used in court without the owner’s consent.',
  H2: 'Not to be passed on without the owner’s consent.',
  H3: 'Another restriction, written out in the note.',
};

export const AUDIENCE_LABEL: Record<AudienceKind, string> = {
  owner: 'Only my member',
  members: 'Named members',
  groups: 'Groups',
  all: 'All full members',
};

export const SOURCE_MEANING: Record<SourceGrade, string> = {
  A: 'A — reliable without doubt',
  B: 'B — mostly reliable',
  C: 'C — mostly unreliable',
  X: 'X — reliability cannot be assessed',
};

export const INFORMATION_MEANING: Record<InformationGrade, string> = {
  '1': '1 — accurate without doubt',
  '2': '2 — known personally to the source',
  '3': '3 — not known personally to the source, but corroborated',
  '4': '4 — not known personally to the source and not corroborated',
};

/** The sharing fields of a record, read-only, with what each value means. */
export function SharingView({ sharing, owner, names }: { sharing: Sharing; owner: string; names: Map<string, string> }) {
  const { audience } = sharing;
  const audienceText =
    audience.kind === 'owner'
      ? `Only ${names.get(owner) ?? owner}`
      : audience.kind === 'all'
        ? 'All full members'
        : audience.kind === 'members'
          ? `${names.get(owner) ?? owner} and ${(audience.members ?? []).map((code) => names.get(code) ?? code).join(', ')}`
          : `${names.get(owner) ?? owner} and the groups ${(audience.groups ?? []).join(', ')}`;
  const handling = sharing.handling ?? [];
  return (
    <dl className="details">
      <dt>Shared with</dt>
      <dd>{audienceText}</dd>
      <dt>TLP</dt>
      <dd>
        <TlpBadge tlp={sharing.tlp} /> {TLP_MEANING[sharing.tlp]}
      </dd>
      <dt>Handling</dt>
      <dd>
        {handling.length === 0 ? (
          <span className="muted">None given</span>
        ) : (
          <ul className="plain-list">
            {handling.map((code) => (
              <li key={code}>
                <strong>{code}</strong> {HANDLING_MEANING[code]}
                {code === 'H3' && sharing.handlingNote ? <> “{sharing.handlingNote}”</> : null}
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Evaluation</dt>
      <dd>
        {sharing.evaluation ? (
          <>
            <strong>
              {sharing.evaluation.source}
              {sharing.evaluation.information}
            </strong>{' '}
            (source {SOURCE_MEANING[sharing.evaluation.source]}; information {INFORMATION_MEANING[sharing.evaluation.information]})
          </>
        ) : (
          <span className="muted">Not graded</span>
        )}
      </dd>
    </dl>
  );
}
