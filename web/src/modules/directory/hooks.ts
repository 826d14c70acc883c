import { useMemo } from 'react';
import { useResource } from '../../hooks.js';
import type { MemberSummary } from './api.js';

/** The process's members, for names and pickers: the list (empty while loading) and code → name. */
export function useMembers(): { list: MemberSummary[]; names: Map<string, string> } {
  const members = useResource<{ data: MemberSummary[] }>('/members');
  return useMemo(() => {
    const list = members.data?.data ?? [];
    return { list, names: new Map(list.map((member) => [member.code, member.name])) };
  }, [members.data]);
}
