import type { Route } from '../../router.js';
import { GroupEditPage, GroupPage, GroupsPage } from './groups.js';
import { MemberEditPage, MemberNewPage } from './member-edit.js';
import { MemberPage } from './member.js';
import { MembersPage } from './members.js';

export const DIRECTORY_ROUTES: readonly Route[] = [
  { pattern: '/directory', render: () => <MembersPage /> },
  { pattern: '/directory/members/new', render: () => <MemberNewPage /> },
  { pattern: '/directory/members/:code', render: (p) => <MemberPage key={p.code} code={p.code ?? ''} /> },
  { pattern: '/directory/members/:code/edit', render: (p) => <MemberEditPage key={p.code} code={p.code ?? ''} /> },
  { pattern: '/directory/groups', render: () => <GroupsPage /> },
  { pattern: '/directory/groups/new', render: () => <GroupEditPage code={null} /> },
  { pattern: '/directory/groups/:code', render: (p) => <GroupPage key={p.code} code={p.code ?? ''} /> },
  { pattern: '/directory/groups/:code/edit', render: (p) => <GroupEditPage key={p.code} code={p.code ?? ''} /> },
];
