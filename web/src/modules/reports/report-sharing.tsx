import type { Static } from 'typebox';
import type { ReportDefaultsOne } from '../../../../src/modules/reports/records/schemas.js';
import type { SharingDraft } from '../../components/sharing-fields.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { WORDS } from './words.js';

/** GET /reports/defaults/:member: the member's default sharing for new reports. */
export type ReportDefaults = Static<typeof ReportDefaultsOne>;

const names = (codes: readonly string[], known: readonly { code: string; name: string }[]): string =>
  codes.map((code) => known.find((item) => item.code === code)?.name ?? code).join(', ');

/** Who will see a report with this sharing, in plain words: the owner's member always, and its audience. */
export function audienceInWords(sharing: Pick<SharingDraft, 'kind' | 'members' | 'groups'>, memberName: string, members: readonly MemberSummary[], groups: readonly Group[]): string {
  switch (sharing.kind) {
    case 'owner':
      return `your member only (${memberName})`;
    case 'all':
      return 'all full members';
    case 'members':
      return sharing.members.length > 0 ? `your member and ${names(sharing.members, members)}` : 'your member only, until you name members';
    case 'groups':
      return sharing.groups.length > 0 ? `your member and the members of ${names(sharing.groups, groups)}` : 'your member only, until you choose groups';
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
  return (
    <p className="alert alert-info will-be-seen" role="status" aria-label={WORDS.willBeSeenBy}>
      <strong>{WORDS.willBeSeenBy}:</strong> {audienceInWords(sharing, memberName, members, groups)}, once approved.{' '}
      {countsInRegional ? 'It counts towards regional aggregates.' : 'It does not count towards regional aggregates.'}
      {fromDefault ? ' These are your member’s defaults for new reports.' : ''}
    </p>
  );
}
