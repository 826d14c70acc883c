import { msg, type MessageId } from './i18n/index.js';
import type { Attention } from './session.js';

/**
 * What waits for the user (GET /home's `attention`, one item per server module and key) in the
 * catalogue's words: each message an ICU plural of `count`, with the number in `<n>…</n>`. The server's
 * own English label is shown, as data, only for a key the web app does not know yet.
 */
const ATTENTION_LABEL: Readonly<Record<string, MessageId>> = {
  'inbox/unread': msg('home.attention.unread'),
  'reports/to-approve': msg('home.attention.reportsToApprove'),
  'documents/hits-to-answer': msg('home.attention.hitsToAnswer'),
  'documents/reports-to-confirm': msg('home.attention.reportsToConfirm'),
  'linkage/requests-to-decide': msg('home.attention.requestsToDecide'),
  'biometrics/step-two-to-decide': msg('home.attention.stepTwoToDecide'),
};

/** The catalogue message of an attention item, or null when its module and key are unknown to the web app. */
export function attentionMessage(item: Pick<Attention, 'module' | 'key'>): MessageId | null {
  return ATTENTION_LABEL[`${item.module}/${item.key}`] ?? null;
}
