/**
 * The words of the notification kinds the modules send (`notificationKinds`, GET /notifications/topics):
 * the subscriptions page and the webhook pages say them the same way. A kind not listed shows as its code.
 */
import { msg, useT, type MessageId } from '../../i18n/index.js';

export const NOTIFICATION_LABEL: Readonly<Record<string, MessageId>> = {
  'account.token-expiring': msg('notifications.kind.accountTokenExpiring'),
  'audit.alert': msg('notifications.kind.auditAlert'),
  'biometrics.step-two': msg('notifications.kind.biometricsStepTwo'),
  'biometrics.step-two-decision': msg('notifications.kind.biometricsStepTwoDecision'),
  'biometrics.step-two-reminder': msg('notifications.kind.biometricsStepTwoReminder'),
  'bulletin.issued': msg('notifications.kind.bulletinIssued'),
  'bulletin.corrected': msg('notifications.kind.bulletinCorrected'),
  'document-hit.opened': msg('notifications.kind.documentHitOpened'),
  'document-hit.answered': msg('notifications.kind.documentHitAnswered'),
  'document-hit.reminder': msg('notifications.kind.documentHitReminder'),
  'document.report-confirmed': msg('notifications.kind.documentReportConfirmed'),
  'document.report-rejected': msg('notifications.kind.documentReportRejected'),
  'linkage.match': msg('notifications.kind.linkageMatch'),
  'linkage.matched': msg('notifications.kind.linkageMatched'),
  'linkage.request': msg('notifications.kind.linkageRequest'),
  'linkage.decision': msg('notifications.kind.linkageDecision'),
  'linkage.request-reminder': msg('notifications.kind.linkageRequestReminder'),
  'report.submitted': msg('notifications.kind.reportSubmitted'),
  'report.approved': msg('notifications.kind.reportApproved'),
  'report.returned': msg('notifications.kind.reportReturned'),
  'webhook.endpoint-disabled': msg('notifications.kind.webhookEndpointDisabled'),
  'webhook.test': msg('notifications.kind.webhookTest'),
};

/** A notification kind in words, else its code. */
export function useNotificationKindName(): (kind: string) => string {
  const t = useT();
  return (kind) => {
    const label = NOTIFICATION_LABEL[kind];
    return label ? t(label) : kind;
  };
}
