import { msg, useT, type MessageId } from '../i18n/index.js';
import type { AudienceKind, HandlingCode, InformationGrade, Sharing, SourceGrade, Tlp } from '../platform.js';
import { TlpBadge } from './ui.js';

export const TLP_MEANING: Record<Tlp, MessageId> = {
  CLEAR: msg('sharing.tlp.clear'),
  GREEN: msg('sharing.tlp.green'),
  AMBER: msg('sharing.tlp.amber'),
  'AMBER+STRICT': msg('sharing.tlp.amberStrict'),
  RED: msg('sharing.tlp.red'),
};

export const HANDLING_MEANING: Record<HandlingCode, MessageId> = {
  H0: msg('sharing.handling.h0'),
  H1: msg('sharing.handling.h1'),
  H2: msg('sharing.handling.h2'),
  H3: msg('sharing.handling.h3'),
};

export const AUDIENCE_LABEL: Record<AudienceKind, MessageId> = {
  owner: msg('sharing.audience.owner'),
  members: msg('sharing.audience.members'),
  groups: msg('sharing.audience.groups'),
  all: msg('sharing.audience.all'),
};

export const SOURCE_MEANING: Record<SourceGrade, MessageId> = {
  A: msg('sharing.source.a'),
  B: msg('sharing.source.b'),
  C: msg('sharing.source.c'),
  X: msg('sharing.source.x'),
};

export const INFORMATION_MEANING: Record<InformationGrade, MessageId> = {
  '1': msg('sharing.information.1'),
  '2': msg('sharing.information.2'),
  '3': msg('sharing.information.3'),
  '4': msg('sharing.information.4'),
};

/** The sharing fields of a record, read-only, with what each value means. */
export function SharingView({ sharing, owner, names }: { sharing: Sharing; owner: string; names: Map<string, string> }) {
  const t = useT();
  const { audience } = sharing;
  const name = (code: string) => <span translate="no">{names.get(code) ?? code}</span>;
  const list = (codes: readonly string[], nameOf: (code: string) => string) => <span translate="no">{t.list(codes.map(nameOf))}</span>;
  const chosen = (audience.kind === 'members' ? audience.members : audience.groups) ?? [];
  const audienceText =
    audience.kind === 'owner'
      ? t.rich('sharing.view.onlyOwner', { owner: name(owner) })
      : audience.kind === 'all'
        ? t('sharing.audience.all')
        : chosen.length === 0
          ? // A module may show the chosen members or groups to the owner only (bulletins): say so rather than "X and ".
            t.rich('sharing.view.ownerAndUnnamed', { owner: name(owner) })
          : audience.kind === 'members'
            ? t.rich('sharing.view.ownerAndMembers', { owner: name(owner), members: list(chosen, (code) => names.get(code) ?? code) })
            : t.rich('sharing.view.ownerAndGroups', { owner: name(owner), groups: list(chosen, (code) => code) });
  const handling = sharing.handling ?? [];
  return (
    <dl className="details">
      <dt>{t('sharing.view.sharedWith')}</dt>
      <dd>{audienceText}</dd>
      <dt>{t('sharing.view.tlp')}</dt>
      <dd>
        <TlpBadge tlp={sharing.tlp} /> {t(TLP_MEANING[sharing.tlp])}
      </dd>
      <dt>{t('sharing.view.handling')}</dt>
      <dd>
        {handling.length === 0 ? (
          <span className="muted">{t('sharing.view.noHandling')}</span>
        ) : (
          <ul className="plain-list">
            {handling.map((code) => (
              <li key={code}>
                <strong translate="no">{code}</strong> {t(HANDLING_MEANING[code])}
                {code === 'H3' && sharing.handlingNote ? <> “<span translate="no">{sharing.handlingNote}</span>”</> : null}
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>{t('sharing.view.evaluation')}</dt>
      <dd>
        {sharing.evaluation ? (
          <>
            <strong translate="no">
              {sharing.evaluation.source}
              {sharing.evaluation.information}
            </strong>{' '}
            {t('sharing.view.grades', { source: t(SOURCE_MEANING[sharing.evaluation.source]), information: t(INFORMATION_MEANING[sharing.evaluation.information]) })}
          </>
        ) : (
          <span className="muted">{t('sharing.view.notGraded')}</span>
        )}
      </dd>
    </dl>
  );
}
