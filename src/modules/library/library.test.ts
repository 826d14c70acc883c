import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { sql } from '../../platform/db/sql.js';
import { MATCH_END, MATCH_START } from './queries.js';
import { SEARCH_RANKED } from './schemas.js';
import { multipart } from '../../../test/support/multipart.js';

const DOCUMENTS = '/api/v1/library/documents';
const fixture = (name: string): Buffer => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url));

let t: TestContext;
/** AAA owns most documents; BBB is in their audiences; CCC mostly is not. */
let owner: TestSession;
let recipient: TestSession;
let third: TestSession;

interface Snippet {
  text: string;
  match: boolean;
}
interface Doc {
  id: string;
  title: string;
  body?: string;
  owner: string;
  date: string | null;
  hasFile: boolean;
  fileName: string | null;
  snippet: Snippet[] | null;
  sharing: { audience: { kind: string; members?: string[] }; tlp: string };
  abilities: { update: boolean; delete: boolean; passOn: boolean };
}
interface AuditRow {
  action: string;
  member: string | null;
  user_id: string | null;
  object_id: string | null;
  object_owner: string | null;
  object_owners: string[];
  details: { records?: Record<string, string[]>; criteria?: Record<string, unknown>; returned?: number };
}

type Audience = { kind: 'owner' } | { kind: 'all' } | { kind: 'members'; members: string[] } | { kind: 'groups'; groups: string[] };

const metadata = (title: string, audience: Audience = { kind: 'owner' }, more: Record<string, unknown> = {}) => ({
  title,
  category: 'workshop-report',
  sharing: { audience, tlp: 'AMBER' },
  ...more,
});

async function create(session: TestSession, title: string, audience: Audience = { kind: 'owner' }, more: Record<string, unknown> = {}): Promise<string> {
  const response = await t.as(session, { method: 'POST', url: DOCUMENTS, payload: metadata(title, audience, { body: `The text of ${title}.`, ...more }) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: Doc }>().data.id;
}

function upload(session: TestSession, file: string, audience: Audience): Promise<LightMyRequestResponse> {
  return t.as(session, {
    method: 'POST',
    url: `${DOCUMENTS}/upload`,
    ...multipart([{ name: 'metadata', value: JSON.stringify(metadata(`Upload of ${file}`, audience)) }, { name: 'file', value: fixture(file), filename: file }]),
  });
}

async function list(session: TestSession, query: string): Promise<{ data: Doc[]; next: string | null }> {
  const response = await t.as(session, { method: 'GET', url: `${DOCUMENTS}?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

const ids = (docs: { id: string }[]) => docs.map((doc) => doc.id);
const get = (session: TestSession, id: string) => t.as(session, { method: 'GET', url: `${DOCUMENTS}/${id}` });

function auditOf(response: LightMyRequestResponse): Promise<AuditRow[]> {
  return t.db.ownerTransaction((tx) =>
    tx.query<AuditRow>(sql`SELECT action, member, user_id, object_id, object_owner, object_owners, details FROM audit_log
      WHERE request_id = ${String(response.headers['x-request-id'])} ORDER BY seq`),
  );
}

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC', 'FIL', 'PAG', 'UNI']) await t.makeMember(code);
  owner = await t.sessionFor(await t.makeUser('AAA', ['officer', 'analyst']));
  recipient = await t.sessionFor(await t.makeUser('BBB', ['officer', 'analyst']));
  third = await t.sessionFor(await t.makeUser('CCC', ['officer', 'analyst']));
});
afterAll(() => t.close());

describe('writing documents', () => {
  test('a document created as JSON comes back as sent, with the owner’s abilities', async () => {
    const response = await t.as(owner, {
      method: 'POST',
      url: DOCUMENTS,
      payload: {
        ...metadata('Guide to interviewing smuggled migrants', { kind: 'members', members: ['BBB'] }),
        summary: 'How to interview',
        body: 'Interviews should be held in private.',
        tags: ['interviews', 'victims'],
        languages: ['en', 'id'],
        date: '2024-03-15',
      },
    });
    expect(response.statusCode).toBe(201);
    const { data, abilities } = response.json<{ data: Doc; abilities: Doc['abilities'] }>();
    expect(data).toMatchObject({
      title: 'Guide to interviewing smuggled migrants',
      body: 'Interviews should be held in private.',
      owner: 'AAA',
      date: '2024-03-15',
      hasFile: false,
      sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER' },
    });
    expect(abilities).toEqual({ update: true, delete: true, passOn: true });
    expect((await auditOf(response)).map((row) => [row.action, row.object_id, row.object_owner])).toEqual([['library.create', data.id, 'AAA']]);

    // The recipient sees it but may not change it, nor learn whom else it is shared with.
    const seen = (await get(recipient, data.id)).json<{ data: Doc; abilities: Doc['abilities'] }>();
    expect(seen.abilities).toEqual({ update: false, delete: false, passOn: true });
    expect(seen.data.sharing.audience).toEqual({ kind: 'members' });
  });

  test('a RED or H2 document may not be passed on by its recipients', async () => {
    const red = await t.as(owner, { method: 'POST', url: DOCUMENTS, payload: { ...metadata('Red note', { kind: 'members', members: ['BBB'] }), body: 'Red.', sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'RED' } } });
    const h2 = await t.as(owner, { method: 'POST', url: DOCUMENTS, payload: { ...metadata('H2 note', { kind: 'all' }), body: 'H2.', sharing: { audience: { kind: 'all' }, tlp: 'GREEN', handling: ['H2'] } } });
    for (const response of [red, h2]) {
      const id = response.json<{ data: Doc }>().data.id;
      expect((await get(owner, id)).json<{ abilities: Doc['abilities'] }>().abilities.passOn).toBe(true);
      expect((await get(recipient, id)).json<{ abilities: Doc['abilities'] }>().abilities.passOn).toBe(false);
    }
  });

  test.each([
    { case: 'no body', body: {} },
    { case: 'an empty body', body: { body: '' } },
    { case: 'a body of white space only', body: { body: ' \n\t ' } },
  ])('a document with a title and $case, and no file, is a 400 at /body and nothing is written', async ({ body }) => {
    const before = await fingerprint(t.db);
    const response = await t.as(owner, { method: 'POST', url: DOCUMENTS, payload: { ...metadata('Only a title'), ...body } });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json<{ errors: unknown[] }>().errors).toEqual([{ pointer: '/body', detail: expect.stringMatching(/text.*or upload its file/) }]);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('the missing text is reported with the other field errors at once', async () => {
    const response = await t.as(owner, { method: 'POST', url: DOCUMENTS, payload: { ...metadata('Only a title', { kind: 'members', members: ['ZZZ'] }) } });
    expect(response.statusCode).toBe(400);
    const pointers = response.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer);
    expect(pointers).toContain('/body');
    expect(pointers.some((pointer) => pointer.startsWith('/sharing'))).toBe(true);
  });

  test('PATCH may not empty the text of a document without a file (400 at /body, nothing changed); one with a file keeps its file', async () => {
    const id = await create(owner, 'Keeps its text', { kind: 'owner' }, { body: 'Original words.' });
    const before = await fingerprint(t.db);
    for (const body of ['', '   ']) {
      const refused = await t.as(owner, { method: 'PATCH', url: `${DOCUMENTS}/${id}`, payload: { title: 'Emptied', body } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json<{ errors: unknown[] }>().errors).toEqual([{ pointer: '/body', detail: expect.any(String) }]);
    }
    expect(await fingerprint(t.db)).toEqual(before);
    expect((await get(owner, id)).json<{ data: Doc }>().data).toMatchObject({ title: 'Keeps its text', body: 'Original words.' });

    const uploaded = (await upload(owner, 'bom.txt', { kind: 'owner' })).json<{ data: Doc }>().data;
    const cleared = await t.as(owner, { method: 'PATCH', url: `${DOCUMENTS}/${uploaded.id}`, payload: { body: '' } });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json<{ data: Doc }>().data).toMatchObject({ hasFile: true, fileName: 'bom.txt', body: '' });
  });

  test('PATCH by a member that sees the document but does not own it is 403 and changes nothing', async () => {
    const id = await create(owner, 'Shared widely', { kind: 'all' });
    const before = await fingerprint(t.db);
    const refused = await t.as(recipient, { method: 'PATCH', url: `${DOCUMENTS}/${id}`, payload: { title: 'Hijacked' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const deleted = await t.as(recipient, { method: 'DELETE', url: `${DOCUMENTS}/${id}` });
    expect(deleted.statusCode).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);

    const changed = await t.as(owner, { method: 'PATCH', url: `${DOCUMENTS}/${id}`, payload: { title: 'Renamed by its owner', tags: ['renamed'] } });
    expect(changed.statusCode).toBe(200);
    expect((await get(recipient, id)).json<{ data: Doc }>().data.title).toBe('Renamed by its owner');
  });

  test('DELETE by the owner is 204; then the document, its file and its search entry are gone', async () => {
    const response = await upload(owner, 'bom.txt', { kind: 'all' });
    const id = response.json<{ data: Doc }>().data.id;
    expect((await t.as(owner, { method: 'DELETE', url: `${DOCUMENTS}/${id}` })).statusCode).toBe(204);
    expect((await get(owner, id)).statusCode).toBe(404);
    expect((await t.as(owner, { method: 'GET', url: `${DOCUMENTS}/${id}/file` })).statusCode).toBe(404);
    expect(ids((await list(owner, 'q=marramgrass')).data)).not.toContain(id);
    expect((await t.as(owner, { method: 'DELETE', url: `${DOCUMENTS}/${id}` })).statusCode).toBe(404);
  });

  test('narrowing the audience from all to the owner hides the document from another member at once', async () => {
    const id = await create(owner, 'Soon private', { kind: 'all' }, { body: 'pelican crossings' });
    expect((await get(recipient, id)).statusCode).toBe(200);
    expect(ids((await list(recipient, 'q=pelican')).data)).toEqual([id]);
    const narrowed = await t.as(owner, { method: 'PATCH', url: `${DOCUMENTS}/${id}`, payload: { sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
    expect(narrowed.statusCode).toBe(200);
    expect((await get(recipient, id)).statusCode).toBe(404);
    expect((await t.as(recipient, { method: 'GET', url: `${DOCUMENTS}/${id}/file` })).statusCode).toBe(404);
    expect((await list(recipient, 'q=pelican')).data).toEqual([]);
    expect((await t.as(recipient, { method: 'GET', url: '/api/v1/library/count?q=pelican' })).json()).toEqual({ total: 0 });
    expect((await get(owner, id)).statusCode).toBe(200);
  });
});

describe('uploaded files', () => {
  const files = [
    { file: 'workshop.pdf', type: 'application/pdf', word: 'zygomorphic', text: 'Participants compared zygomorphic security features of passports.' },
    { file: 'guide.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', word: 'xanthophyll', text: 'Article 3 defines xanthophyll procedures for border officers.' },
    // Windows-1252: the curly quotes, the dash and the euro sign are where a Latin-1 reading goes wrong.
    { file: 'latin1.txt', type: 'text/plain; charset=utf-8', word: 'quillwort', text: 'Rapport d’atelier “quillwort” : coopération à Bogotá, São Paulo et Zürich — coût 5 €.' },
    { file: 'bom.txt', type: 'text/plain; charset=utf-8', word: 'marramgrass', text: 'Ringkasan: marramgrass kerja sama lintas batas — déjà vu.' },
  ];

  test.each(files)('$file: its text is extracted and searchable, and it downloads byte for byte for the owner and the audience only', async ({ file, type, word, text }) => {
    const response = await upload(owner, file, { kind: 'members', members: ['BBB'] });
    expect(response.statusCode, response.body).toBe(201);
    const { data } = response.json<{ data: Doc }>();
    expect(data).toMatchObject({ hasFile: true, fileName: file, title: `Upload of ${file}` });
    expect(data.body).toContain(text);
    expect(data.body!.charCodeAt(0)).not.toBe(0xfeff);
    expect(data.body).not.toMatch(/[\u0080-\u009f\ufffd]/);

    // The word is only in the file, not in the title or the metadata.
    const found = await list(owner, `q=${word}`);
    expect(ids(found.data)).toEqual([data.id]);
    expect(ids((await list(recipient, `q=${word}`)).data)).toEqual([data.id]);
    expect((await list(third, `q=${word}`)).data).toEqual([]);

    for (const reader of [owner, recipient]) {
      const download = await t.as(reader, { method: 'GET', url: `${DOCUMENTS}/${data.id}/file` });
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-type']).toBe(type);
      expect(download.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${file}`);
      expect(download.rawPayload.equals(fixture(file))).toBe(true);
    }
    const hidden = await t.as(third, { method: 'GET', url: `${DOCUMENTS}/${data.id}/file` });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('accented words from a Windows-1252 file are found as typed', async () => {
    expect((await list(owner, `q=${encodeURIComponent('Bogotá')}`)).data.map((doc) => doc.title)).toEqual(['Upload of latin1.txt']);
  });

  test.each([
    { file: 'not-docx.zip', detail: /PDF, a Word document/ },
    { file: 'truncated.pdf', detail: /could not be read/ },
  ])('$file is refused with 400 at /file, and nothing is written', async ({ file, detail }) => {
    const before = await fingerprint(t.db);
    const response = await upload(owner, file, { kind: 'owner' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const { errors } = response.json<{ errors: { pointer: string; detail: string }[] }>();
    expect(errors).toEqual([{ pointer: '/file', detail: expect.stringMatching(detail) }]);
    expect(await fingerprint(t.db)).toEqual(before);
  });
});

describe('search, filters and pages', () => {
  test('a search returns a passage split into matching and other text', async () => {
    const id = await create(owner, 'Sea routes', { kind: 'owner' }, {
      body: 'Smugglers moved people by fishing boat from the southern coast. The boats were often overloaded and unseaworthy.',
    });
    const [doc] = (await list(owner, 'q=boats')).data;
    expect(doc!.id).toBe(id);
    const snippet = doc!.snippet!;
    const matches = snippet.filter((part) => part.match).map((part) => part.text.toLowerCase());
    expect(matches.length).toBeGreaterThanOrEqual(2);
    expect(new Set(matches)).toEqual(new Set(['boat', 'boats']));
    expect(snippet.some((part) => !part.match && part.text.includes('Smugglers moved people'))).toBe(true);
    // The passage is the document's text, with no markup added.
    const passage = snippet.map((part) => part.text).join('');
    for (const marker of ['<', '>', MATCH_START, MATCH_END]) expect(passage).not.toContain(marker);
    // Without search words, there is no passage.
    expect((await list(owner, 'owner=AAA&limit=1')).data[0]!.snippet).toBeNull();
  });

  test('a text holding the marker characters itself gets no false matches in its passage', async () => {
    const id = await create(owner, 'Marker characters', { kind: 'owner' }, { body: `Before ${MATCH_START}not a match${MATCH_END} the catamarans sailed.` });
    const [doc] = (await list(owner, 'q=catamarans&owner=AAA')).data;
    expect(doc!.id).toBe(id);
    expect(doc!.snippet!.filter((part) => part.match).map((part) => part.text)).toEqual(['catamarans']);
    const passage = doc!.snippet!.map((part) => part.text).join('');
    expect(passage).toContain('not a match');
    for (const marker of [MATCH_START, MATCH_END]) expect(passage).not.toContain(marker);
  });

  test('filters by category, tag, language and date range, alone and together, in lists and counts', async () => {
    const filer = await t.sessionFor(await t.makeUser('FIL'));
    const one = await create(filer, 'One', { kind: 'owner' }, { category: 'policy-guide', tags: ['boats', 'sea'], languages: ['en'], date: '2023-01-10' });
    const two = await create(filer, 'Two', { kind: 'owner' }, { category: 'model-legislation', tags: ['sea'], languages: ['id', 'en'], date: '2023-06-01' });
    const three = await create(filer, 'Three', { kind: 'owner' }, { category: 'policy-guide', tags: ['air'], languages: ['fr'], date: '2024-02-29' });
    const four = await create(filer, 'Four', { kind: 'owner' }, { category: 'other' });
    const cases: [string, string[]][] = [
      ['', [one, two, three, four]],
      ['category=policy-guide', [one, three]],
      ['tag=sea', [one, two]],
      ['language=en', [one, two]],
      ['from=2023-06-01', [two, three]],
      ['to=2023-06-01', [one, two]],
      ['from=2023-02-01&to=2024-01-01', [two]],
      ['category=policy-guide&tag=air', [three]],
      ['category=co-chairs-statement', []],
    ];
    for (const [query, expected] of cases) {
      const found = await list(filer, `owner=FIL&${query}`);
      expect(ids(found.data).sort(), query).toEqual([...expected].sort());
      const count = await t.as(filer, { method: 'GET', url: `/api/v1/library/count?owner=FIL&${query}` });
      expect(count.json(), query).toEqual({ total: expected.length });
    }
  });

  test('cursor pagination walks every document once, newest first, ties broken by id', async () => {
    const pager = await t.sessionFor(await t.makeUser('PAG'));
    const dates = ['2024-05-01', '2024-05-01', '2024-05-01', '2024-04-01', '2024-04-01', null, null, null, '2023-01-01', '2022-12-31', '2024-06-30', '2021-01-01'];
    const made: { id: string; date: string | null }[] = [];
    for (const [index, date] of dates.entries()) {
      // Every document mentions the lighthouse, some more often, some as often as another.
      made.push({ id: await create(pager, `Page doc ${index}`, { kind: 'owner' }, { date, body: 'lighthouse '.repeat(1 + (index % 4)) }), date });
    }
    const expected = [...made]
      .sort((a, b) => (b.date ?? '0001-01-01').localeCompare(a.date ?? '0001-01-01') || b.id.localeCompare(a.id))
      .map((doc) => doc.id);

    async function walk(query: string): Promise<{ order: string[]; sizes: number[] }> {
      const order: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: Doc[]; next: string | null } = await list(pager, `owner=PAG&limit=5&${query}${cursor ? `&cursor=${cursor}` : ''}`);
        order.push(...ids(page.data));
        sizes.push(page.data.length);
        cursor = page.next;
      } while (cursor !== null && sizes.length < 10);
      return { order, sizes };
    }

    const byDate = await walk('');
    expect(byDate.sizes).toEqual([5, 5, 2]);
    expect(byDate.order).toEqual(expected);

    const bySearch = await walk('q=lighthouse');
    expect(bySearch.sizes).toEqual([5, 5, 2]);
    expect(new Set(bySearch.order).size).toBe(12);
    expect([...bySearch.order].sort()).toEqual([...expected].sort());
    // Best match first: the documents saying it four times lead.
    const mostOften = made.filter((_doc, index) => index % 4 === 3).map((doc) => doc.id);
    expect(bySearch.order.slice(0, 3).sort()).toEqual(mostOften.sort());
  });
  test('a page of titles in any script comes back byte for byte, read whole and from kept items', async () => {
    const writer = await t.sessionFor(await t.makeUser('UNI'));
    const titles = ['Déclaration de Bali — suivi', 'Laporan penyelundupan “laut”', '人口贩运 工作组报告', 'Rapport 🚢 2024', 'Plain ASCII title'];
    for (const title of titles) await create(writer, title, { kind: 'owner' });
    for (const pass of ['read whole', 'from kept items']) {
      const response = await t.as(writer, { method: 'GET', url: `${DOCUMENTS}?owner=UNI&limit=50` });
      expect(response.statusCode, pass).toBe(200);
      expect(response.headers['content-type'], pass).toBe('application/json; charset=utf-8');
      expect(Number(response.headers['content-length']), pass).toBe(response.rawPayload.length);
      expect(response.json<{ data: Doc[] }>().data.map((doc) => doc.title).sort(), pass).toEqual([...titles].sort());
    }
  });

  test(`a word found in more than ${SEARCH_RANKED} documents ranks the newest ${SEARCH_RANKED} of them; fewer matches are all ranked`, async () => {
    await t.makeMember('CAP');
    const capper = await t.sessionFor(await t.makeUser('CAP'));
    // The best match is the oldest document; SEARCH_RANKED newer ones mention the word once.
    const best = await create(capper, 'Oldest', { kind: 'owner' }, { date: '2001-01-01', body: 'ferry ferry ferry ferry ferry boat boat boat boat' });
    await t.db.ownerTransaction((tx) =>
      tx.query(sql`INSERT INTO library_documents (title, body, category, owner, audience_kind, tlp, doc_date)
        SELECT 'Newer ' || n, 'a ferry left port ' || n, 'other', 'CAP', 'owner', 'AMBER', DATE '2020-01-01' + n
        FROM generate_series(1, ${SEARCH_RANKED}) AS n`),
    );
    const ferry = await list(capper, 'owner=CAP&q=ferry&limit=5');
    expect(ferry.data).toHaveLength(5);
    expect(ids(ferry.data)).not.toContain(best);
    // Every match is counted all the same.
    const count = await t.as(capper, { method: 'GET', url: '/api/v1/library/count?owner=CAP&q=ferry' });
    expect(count.json()).toEqual({ total: SEARCH_RANKED + 1 });
    // A search with fewer matches ranks them all: the oldest, best match leads.
    await create(capper, 'Middle', { kind: 'owner' }, { date: '2010-01-01', body: 'a ferry boat' });
    await create(capper, 'Late', { kind: 'owner' }, { date: '2025-01-01', body: 'a ferry boat' });
    const few = await list(capper, 'owner=CAP&q=boat&limit=5');
    expect(few.data.map((doc) => doc.title)).toEqual(['Oldest', expect.any(String), expect.any(String)]);
  }, 60_000);
});

describe('reads are on the record', () => {
  test('reading another member’s document writes library.read for its owner; reading one’s own does not', async () => {
    const id = await create(owner, 'Read me', { kind: 'members', members: ['BBB'] });
    const read = await get(recipient, id);
    expect(read.statusCode).toBe(200);
    expect(await auditOf(read)).toEqual([
      { action: 'library.read', member: 'BBB', user_id: recipient.user.id, object_id: id, object_owner: 'AAA', object_owners: [], details: {} },
    ]);
    expect(await auditOf(await get(owner, id))).toEqual([]);
    const file = await upload(owner, 'workshop.pdf', { kind: 'members', members: ['BBB'] });
    const fileId = file.json<{ data: Doc }>().data.id;
    const download = await t.as(recipient, { method: 'GET', url: `${DOCUMENTS}/${fileId}/file` });
    expect((await auditOf(download)).map((row) => [row.action, row.object_id, row.object_owner])).toEqual([['library.file-read', fileId, 'AAA']]);
  });

  test('a search writes one row naming, by owner, the other members’ documents it returned', async () => {
    const fromA = [await create(owner, 'Cormorant one', { kind: 'all' }), await create(owner, 'Cormorant two', { kind: 'members', members: ['CCC'] })];
    const fromB = [await create(recipient, 'Cormorant three', { kind: 'all' })];
    const own = await create(third, 'Cormorant four');
    const search = await t.as(third, { method: 'GET', url: `${DOCUMENTS}?q=cormorant&category=workshop-report` });
    expect(ids(search.json<{ data: Doc[] }>().data).sort()).toEqual([...fromA, ...fromB, own].sort());

    const rows = await auditOf(search);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ action: 'library.search', member: 'CCC', user_id: third.user.id, object_owner: null, object_owners: ['AAA', 'BBB'] });
    expect(row.details.criteria).toEqual({ q: 'cormorant', category: 'workshop-report' });
    expect(row.details.returned).toBe(4);
    // The searcher's own document is not a read of shared data.
    const named = Object.fromEntries(Object.entries(row.details.records ?? {}).map(([member, list]) => [member, [...list].sort()]));
    expect(named).toEqual({ AAA: [...fromA].sort(), BBB: fromB });

    // A search that returns nothing of others' is on the record too, with its words and no owners.
    const alone = await t.as(third, { method: 'GET', url: `${DOCUMENTS}?q=cormorant&owner=CCC` });
    expect(await auditOf(alone)).toEqual([
      expect.objectContaining({ action: 'library.search', object_owners: [], details: { criteria: { q: 'cormorant', owner: 'CCC' }, returned: 1 } }),
    ]);

    // Each owner lists the read of its own documents, and only those; another member sees neither.
    const readsOf = async (session: TestSession) =>
      (await t.as(session, { method: 'GET', url: '/api/v1/audit/reads?limit=100' })).json<{ data: { action: string; readerMember: string; ids: string[] }[] }>().data;
    const searchesBy = (reads: { action: string; readerMember: string; ids: string[] }[], reader: string) =>
      reads.filter((read) => read.action === 'library.search' && read.readerMember === reader).map((read) => [...read.ids].sort());
    expect(searchesBy(await readsOf(owner), 'CCC')).toEqual([[...fromA].sort()]);
    expect(searchesBy(await readsOf(recipient), 'CCC')).toEqual([fromB]);
    const outsider = await t.sessionFor(await t.makeUser('FIL', ['analyst']));
    const seenByOther = await readsOf(outsider);
    expect(seenByOther.flatMap((read) => read.ids).filter((readId) => [...fromA, ...fromB].includes(readId))).toEqual([]);
    // The searcher's member is not told of its own reads.
    expect((await readsOf(third)).filter((read) => read.readerMember === 'CCC')).toEqual([]);
  });

  test('the owner sees who read its document in /audit/reads; a third member does not', async () => {
    const id = await create(owner, 'Read and listed', { kind: 'all' });
    await get(recipient, id);
    const reads = (await t.as(owner, { method: 'GET', url: '/api/v1/audit/reads?limit=100' })).json<{ data: { action: string; readerMember: string; readerName: string | null; ids: string[] }[] }>().data;
    expect(reads.filter((read) => read.ids.includes(id))).toEqual([
      expect.objectContaining({ action: 'library.read', readerMember: 'BBB', readerName: `User ${recipient.user.email}`, ids: [id] }),
    ]);
    const others = (await t.as(third, { method: 'GET', url: '/api/v1/audit/reads?limit=100' })).json<{ data: { ids: string[] }[] }>().data;
    expect(others.filter((read) => read.ids.includes(id))).toEqual([]);

    // The list pages by cursor: small pages walk the same rows, newest first.
    const walked: unknown[] = [];
    let cursor: string | null = null;
    do {
      const current: { data: unknown[]; next: string | null } = (await t.as(owner, { method: 'GET', url: `/api/v1/audit/reads?limit=3${cursor ? `&cursor=${cursor}` : ''}` })).json();
      walked.push(...current.data);
      cursor = current.next;
    } while (cursor !== null && walked.length <= reads.length);
    expect(reads.length).toBeGreaterThan(6);
    expect(walked).toEqual(reads);
  });
});
