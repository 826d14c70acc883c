/** Where a record of an object type has its page in the app, if it has one. Modules add their types here. */
const RECORD_PAGES: Record<string, (id: string) => string> = {
  'api-token': () => '/account',
  'library-document': (id) => `/library/${encodeURIComponent(id)}`,
  report: (id) => `/reports/${encodeURIComponent(id)}`,
  'travel-document': (id) => `/documents/register/${encodeURIComponent(id)}`,
  'document-hit': (id) => `/documents/hits/${encodeURIComponent(id)}`,
  'linkage-lead': (id) => `/linkage/leads/${encodeURIComponent(id)}`,
  'linkage-notice': (id) => `/linkage/notices/${encodeURIComponent(id)}`,
  'linkage-request': (id) => `/linkage/requests/${encodeURIComponent(id)}`,
  bulletin: (id) => `/bulletins/${encodeURIComponent(id)}`,
};

export function recordPath(objectType: string | null, id: string | null): string | null {
  if (!objectType || !id) return null;
  const page = RECORD_PAGES[objectType];
  return page ? page(id) : null;
}
