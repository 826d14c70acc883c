/** Where a record of an object type has its page in the app, if it has one. Modules add their types here. */
const RECORD_PAGES: Record<string, (id: string) => string> = {
  'library-document': (id) => `/library/${encodeURIComponent(id)}`,
};

export function recordPath(objectType: string | null, id: string | null): string | null {
  if (!objectType || !id) return null;
  const page = RECORD_PAGES[objectType];
  return page ? page(id) : null;
}
