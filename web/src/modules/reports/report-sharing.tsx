import type { ReactNode } from 'react';
import type { Static } from 'typebox';
import type { ReportDefaultsOne } from '../../../../src/modules/reports/records/schemas.js';
import type { SharingDraft } from '../../components/sharing-fields.js';
import { useT, type Translate } from '../../i18n/index.js';
import type { Group, MemberSummary } from '../directory/api.js';

/** GET /reports/defaults/:member: the member's default sharing for new reports. */
export type ReportDefaults = Static<typeof ReportDefaultsOne>;

/** Names of members or groups (data), in the locale's list form. */
const names = (t: Translate, codes: readonly string[], known: readonly { code: string; name: string }[]): ReactNode => (
  <span translate="no">{t.list(codes.map((code) => known.find((item) => item.code === code)?.name ?? code))}</span>
);

/** Who will see a report with this sharing, in plain words: the owner's member always, and its audience. */
export function audienceInWords(t: Translate, sharing: Pick<SharingDraft, 'kind' | 'members' | 'groups'>, memberName: string, members: readonly MemberSummary[], groups: readonly Group[]): ReactNode {
  switch (sharing.kind) {
    case 'owner':
      return t.rich('reports.sharing.ownerOnly', { member: <span translate="no">{memberName}</span> });
    case 'all':
      return t('reports.sharing.all');
    case 'members':
      return sharing.members.length > 0 ? t.rich('reports.sharing.members', { names: names(t, sharing.members, members) }) : t('reports.sharing.noMembersYet');
    case 'groups':
      return sharing.groups.length > 0 ? t.rich('reports.sharing.groups', { names: names(t, sharing.groups, groups) }) : t('reports.sharing.noGroupsYet');
  }
}

/** The sentence under the sharing fields: who will see the report once it is approved, and whether it counts regionally. */
export function WillBeSeenBy(props: {
  sharing: SharingDraft;
  countsInRegional: boolean;
  memberName: string;
  members: readonly MemberSummary[];
  groups: readonly Group[];
  fromDefault: boolean;
}) {
  const { sharing, countsInRegional, memberName, members, groups, fromDefault } = props;
  const t = useT();
  return (
    <p className="alert alert-info will-be-seen" role="status" aria-label={t('reports.sharing.willBeSeenBy')}>
      <strong>{t('reports.sharing.willBeSeenByLead')}</strong> {t.rich('reports.sharing.onceApproved', { names: audienceInWords(t, sharing, memberName, members, groups) })}{' '}
      {countsInRegional ? t('reports.sharing.countsInRegional') : t('reports.sharing.notInRegional')}
      {fromDefault ? <> {t('reports.sharing.fromDefault')}</> : null}
    </p>
  );
}
