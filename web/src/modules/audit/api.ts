/**
 * "Who read my records" as the web app sees it. Hand-written: the server keeps the schema of a read
 * (`Read`) in src/modules/audit/routes.ts and does not export it; once it does, this becomes
 * `Static<typeof Read>` like every other module's types.
 */
export interface AuditRead {
  id: string;
  at: string;
  action: string;
  readerMember: string;
  readerName: string | null;
  objectType: string | null;
  ids: string[];
  purpose: string | null;
}
