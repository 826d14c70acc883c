import { defineSettings } from '../../platform/settings.js';

/** The thresholds of the alerts on unusual activity (alerts.ts); a threshold of 0 turns its rule off. */
export const alertSettings = defineSettings({
  windowMinutes: {
    env: 'LINTAS_ALERT_WINDOW_MINUTES',
    kind: 'count',
    default: 10,
    description: 'the window the alerts count over, in minutes (fixed windows from the hour; at least 1)',
  },
  refusedPerAddress: {
    env: 'LINTAS_ALERT_REFUSED',
    kind: 'count',
    default: 300,
    description: 'refused requests from one address in a window (bad credentials or CSRF tokens, throttling, roles, bad input, unknown routes, failed sign-ins) that alert the secretariat; 0: off',
  },
  signInFailuresPerAccount: {
    env: 'LINTAS_ALERT_SIGNIN_FAILURES',
    kind: 'count',
    default: 20,
    description: "failed sign-ins to one account in a window that alert its member's member-admins and the secretariat; 0: off",
  },
  malwarePerUser: {
    env: 'LINTAS_ALERT_MALWARE',
    kind: 'count',
    default: 1,
    description: "uploads of one user in a window that the virus scanner refused for malware (LINTAS_CLAMD) that alert the user's member-admins and the secretariat; 0: off",
  },
  actsPerOwner: {
    env: 'LINTAS_ALERT_OTHERS_RECORDS',
    kind: 'count',
    default: 500,
    description: "acts of one user on one other member's records in a window (reads, lists, searches, checks, exports, writes) that alert the member-admins of both members; 0: off",
  },
});
