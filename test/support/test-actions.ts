/**
 * Tests of the platform's audit trail and inbox write rows of their own, under `test.` names and
 * the `test` kind; declared here so the rest of the code keeps the closed unions.
 */
declare module '../../src/platform/audit/writer.js' {
  interface ModuleAuditActions {
    test: `test.${string}`;
  }
}
declare module '../../src/platform/notify/inbox.js' {
  interface ModuleNotificationKinds {
    test: 'test';
  }
}
export {};
