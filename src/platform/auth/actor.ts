import type { Viewer } from '../sharing/model.js';
import type { Role } from './roles.js';

/** The signed-in user a request acts for, with the member context the sharing rule needs. */
export interface Actor extends Viewer {
  userId: string;
  name: string;
  email: string;
  /** The roles in force: the user's, narrowed to the token's scope for API tokens. */
  roles: Role[];
  via: 'session' | 'token';
  /** Present for cookie sessions: writes must echo it in the x-csrf-token header. */
  csrfToken?: string;
}
