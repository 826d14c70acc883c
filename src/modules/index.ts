import type { LintasModule } from '../platform/module.js';
import { account } from './account/index.js';
import { audit } from './audit/index.js';
import { biometrics } from './biometrics/index.js';
import { bulletins } from './bulletins/index.js';
import { directory } from './directory/index.js';
import { documents } from './documents/index.js';
import { inbox } from './inbox/index.js';
import { library } from './library/index.js';
import { linkage } from './linkage/index.js';
import { reports } from './reports/index.js';
import { webhooks } from './webhooks/index.js';

/** Every module of Lintas, in the order their routes, jobs, commands and demo data are taken. */
export const MODULES: readonly LintasModule[] = [account, directory, library, reports, audit, inbox, documents, linkage, biometrics, bulletins, webhooks];
