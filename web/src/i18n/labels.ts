import type { Role } from '../platform.js';
import { msg, type MessageId } from './index.js';

/** The roles of the platform, as people read them. */
export const ROLE_LABEL: Readonly<Record<Role, MessageId>> = {
  officer: msg('role.officer'),
  analyst: msg('role.analyst'),
  liaison: msg('role.liaison'),
  approver: msg('role.approver'),
  'member-admin': msg('role.memberAdmin'),
  secretariat: msg('role.secretariat'),
};
