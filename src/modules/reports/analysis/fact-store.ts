import type { Ctx } from '../../../platform/context.js';
import type { Database } from '../../../platform/db/database.js';
import { sql } from '../../../platform/db/sql.js';
import { EMPTY_FIGURES, FIGURES, type AnalysisFilters, type Dimension, type Figures, type RawCell } from './figures.js';
import { countCells, denseCells, Dictionary, fillLists, grow, groupValues, median, SlotTable, sparseCells, sumFigures } from './fact-columns.js';

/**
 * The analysis facts in the server's memory (migration 0007 explains the design): every shared
 * report's `report_facts` row, held in typed-array columns, kept up to date from the change log by
 * `catchUp()` before each analysis request, and aggregated per request in one pass per block.
 *
 * The store decides nothing about visibility: a `FactView` is made per request from the access
 * classes the database returned for the viewer (read as the application role under row-level
 * security), and adds up exactly the facts of those classes. Its cells are the same as the SQL
 * reference's over the reports themselves (sql-reference.ts, migration 0004), which the property
 * test in aggregates.test.ts checks on random reports, changes, viewers and requests.
 */

/** The columns of report_facts that hold the figures, in the order of FIGURES. */
export const FIGURE_COLUMNS = [
  'people_total', 'adult_men', 'adult_women', 'boys', 'girls', 'unknown_sex_or_age', 'unaccompanied_children', 'intercepted', 'rescued',
  'dead', 'missing', 'returned', 'claimed_asylum', 'arrests', 'convictions',
] as const;

/** A fact row as report_facts holds it (the log's JSON and the load query give the same fields). */
export interface FactRow extends FactClass, Record<(typeof FIGURE_COLUMNS)[number], number> {
  report_id: string;
  counts_in_regional: boolean;
  occurred_from: string | null;
  month: number | null;
  incident_type: string;
  /** NULL for a report far at sea (migration 0017). */
  country: string | null;
  /** At sea: the sea area, else the source's region (report_fact_rows, 0017); NULL on land. Absent from log entries written before 0017. */
  sea_area?: string | null;
  origin: string | null;
  destination: string | null;
  flows: string[];
  citizenships: string[];
  modes: string[];
  latitude: number | null;
  longitude: number | null;
  fee_per_person: number | null;
  fee_currency: string | null;
}

/** An access class as the database returns it for a viewer. */
interface FactClass {
  owner: string;
  audience_kind: string;
  audience_members: string[];
  audience_groups: string[];
}

/** Figures a row holds; sumFigures is written out for exactly these 15. */
const WIDTH = 15;
if (FIGURE_COLUMNS.length !== WIDTH) throw new Error('the analysis store expects 15 figures');
const NO_MONTH = -2147483648;
const NO_DAY = -2147483648;
/** Rows read per FETCH when the whole store is loaded. */
const LOAD_BATCH = 20_000;
/** Log entries older than this are pruned; a store further behind reloads everything. */
const LOG_KEEP_MINUTES = 60;
const PRUNE_EVERY_MS = 60_000;
/** Dense accumulators up to this many possible cells; a Map beyond. */
const DENSE_LIMIT = 1 << 22;

const dayOf = (date: string): number => Math.floor(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000);
const classKey = (c: FactClass, regional: boolean): string =>
  `${c.owner}\u0001${c.audience_kind}\u0001${c.audience_members.join('\u0002')}\u0001${c.audience_groups.join('\u0002')}\u0001${regional ? 1 : 0}`;

class FactStore {
  private version = -1;
  private loadedOnce = false;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private lastPrune = 0;
  /** Changes made to the rows so far; a view holds the count it was made at. */
  private mutations = 0;
  /** False while a catch-up changes the store: no view may be made then. */
  private settled = true;

  // Columns, one slot per row; `alive` marks the slots in use.
  private size = 0;
  private capacity = 0;
  private alive = new Uint8Array(0);
  private classOf = new Int32Array(0);
  private month = new Int32Array(0);
  private day = new Int32Array(0);
  private type = new Int32Array(0);
  private country = new Int32Array(0);
  private seaArea = new Int32Array(0);
  private origin = new Int32Array(0);
  private destination = new Int32Array(0);
  private currency = new Int32Array(0);
  private flows = new Int32Array(0);
  private citizenships = new Int32Array(0);
  private modes = new Int32Array(0);
  private latitude = new Float64Array(0);
  private longitude = new Float64Array(0);
  private fee = new Float64Array(0);
  private figures = new Int32Array(0);
  /** Report id to slot, in typed arrays: a million ids as strings in a Map would weigh on every garbage collection. */
  private readonly slots = new SlotTable();
  private readonly free: number[] = [];

  readonly strings = new Dictionary();
  /** Lists (flows, citizenships, modes) by their joined text; `lists[id]` holds the members' string ids. */
  private readonly listIds = new Dictionary();
  private readonly lists: Int32Array[] = [new Int32Array(0)];
  private readonly classIds = new Map<string, number>();
  private classOwner: number[] = [];
  private minMonth = Number.POSITIVE_INFINITY;
  private maxMonth = Number.NEGATIVE_INFINITY;

  constructor(private readonly db: Database) {}

  get loaded(): boolean {
    return this.loadedOnce;
  }

  /** Rows held (shared reports). */
  get count(): number {
    return this.slots.size;
  }

  /**
   * Brings the store up to every change committed before the call: one owner transaction that reads
   * the version and, when it moved, the log since. A call made while another runs waits for it and
   * then runs once more (shared with everyone who arrived meanwhile), since the running one may have
   * read the version before the caller's own change committed.
   */
  catchUp(): Promise<void> {
    if (!this.running) {
      this.running = this.sync().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    const again = () => {
      this.queued = undefined;
      return this.catchUp();
    };
    this.queued ??= this.running.then(again, again);
    return this.queued;
  }

  private async sync(): Promise<void> {
    await this.db.ownerTransaction(async (tx) => {
      const { version } = await tx.one<{ version: string }>(sql`SELECT version::text AS version FROM report_fact_version`);
      const target = Number(version);
      if (this.loadedOnce && target === this.version) return;
      let reload = !this.loadedOnce;
      // From here until the store is whole again, no view may be made and views made before are stale.
      this.settled = false;
      // A failure part way leaves the store unusable: the next call reloads it.
      this.loadedOnce = false;
      if (!reload) {
        const entries = await tx.query<{ version: string; report_id: string | null; fact: FactRow | null }>(sql`
          SELECT version::text AS version, report_id, fact FROM report_fact_log WHERE version > ${this.version} AND version <= ${target} ORDER BY seq`);
        // Every version writes at least one entry: a missing one was pruned, and only a reload is exact.
        const versions = new Set(entries.map((entry) => entry.version));
        reload = versions.size !== target - this.version || entries.some((entry) => entry.report_id === null);
        if (!reload) {
          for (const entry of entries) {
            if (entry.report_id === null) continue;
            if (entry.fact) this.put(entry.fact);
            else this.remove(entry.report_id);
          }
        }
      }
      if (reload) await this.load(tx);
      this.version = target;
      this.loadedOnce = true;
      this.settled = true;
      if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
        this.lastPrune = Date.now();
        await tx.query(sql`DELETE FROM report_fact_log WHERE logged_at < now() - make_interval(mins => ${LOG_KEEP_MINUTES})`);
      }
    });
  }

  /**
   * Reads every fact through a cursor. The version was read first, so the facts are at least that
   * recent; entries of later versions replayed afterwards put the same rows again (idempotent).
   */
  private async load(tx: Parameters<Parameters<Database['ownerTransaction']>[0]>[0]): Promise<void> {
    this.reset();
    await tx.query(sql`DECLARE fact_store_load NO SCROLL CURSOR FOR
      SELECT report_id, counts_in_regional, occurred_from::text AS occurred_from, month, incident_type, country, origin, destination,
        flows, citizenships, modes, latitude, longitude, fee_per_person, fee_currency, owner, audience_kind, audience_members, audience_groups, sea_area,
        ${sql.raw(FIGURE_COLUMNS.join(', '))}
      FROM report_facts`);
    for (;;) {
      const rows = await tx.query<FactRow>(sql.raw(`FETCH ${LOAD_BATCH} FROM fact_store_load`));
      for (const row of rows) this.put(row);
      if (rows.length < LOAD_BATCH) break;
    }
    await tx.query(sql`CLOSE fact_store_load`);
  }

  private reset(): void {
    this.size = 0;
    this.capacity = 0;
    this.slots.clear();
    this.free.length = 0;
    this.ensure(1024);
  }

  private ensure(needed: number): void {
    if (needed <= this.capacity) return;
    const size = Math.max(needed, this.capacity * 2, 1024);
    this.alive = grow(this.alive, size);
    this.classOf = grow(this.classOf, size);
    this.month = grow(this.month, size);
    this.day = grow(this.day, size);
    this.type = grow(this.type, size);
    this.country = grow(this.country, size);
    this.seaArea = grow(this.seaArea, size);
    this.origin = grow(this.origin, size);
    this.destination = grow(this.destination, size);
    this.currency = grow(this.currency, size);
    this.flows = grow(this.flows, size);
    this.citizenships = grow(this.citizenships, size);
    this.modes = grow(this.modes, size);
    this.latitude = grow(this.latitude, size);
    this.longitude = grow(this.longitude, size);
    this.fee = grow(this.fee, size);
    this.figures = grow(this.figures, size * WIDTH);
    this.capacity = size;
  }

  private listId(values: readonly string[]): number {
    const id = this.listIds.id(values.join('\u0001'));
    if (id === this.lists.length) this.lists.push(Int32Array.from(values, (value) => this.strings.id(value)));
    return id;
  }

  private classId(row: FactRow): number {
    const key = classKey(row, row.counts_in_regional);
    let id = this.classIds.get(key);
    if (id === undefined) {
      id = this.classOwner.length;
      this.classIds.set(key, id);
      this.classOwner.push(this.strings.id(row.owner));
    }
    return id;
  }

  /** Holds a report's fact row, replacing the one it had. */
  private put(row: FactRow): void {
    this.mutations++;
    let slot = this.slots.get(row.report_id);
    if (slot < 0) {
      slot = this.free.pop() ?? this.size++;
      this.ensure(slot + 1);
      this.slots.set(row.report_id, slot);
    }
    this.alive[slot] = 1;
    this.classOf[slot] = this.classId(row);
    const month = row.month ?? NO_MONTH;
    this.month[slot] = month;
    if (month !== NO_MONTH) {
      if (month < this.minMonth) this.minMonth = month;
      if (month > this.maxMonth) this.maxMonth = month;
    }
    this.day[slot] = row.occurred_from === null ? NO_DAY : dayOf(row.occurred_from);
    this.type[slot] = this.strings.id(row.incident_type);
    this.country[slot] = this.strings.id(row.country);
    this.seaArea[slot] = this.strings.id(row.sea_area ?? null);
    this.origin[slot] = this.strings.id(row.origin);
    this.destination[slot] = this.strings.id(row.destination);
    this.currency[slot] = this.strings.id(row.fee_currency);
    this.flows[slot] = this.listId(row.flows);
    this.citizenships[slot] = this.listId(row.citizenships);
    this.modes[slot] = this.listId(row.modes);
    this.latitude[slot] = row.latitude ?? Number.NaN;
    this.longitude[slot] = row.longitude ?? Number.NaN;
    this.fee[slot] = row.fee_per_person ?? Number.NaN;
    const base = slot * WIDTH;
    for (let j = 0; j < WIDTH; j++) this.figures[base + j] = row[FIGURE_COLUMNS[j] as (typeof FIGURE_COLUMNS)[number]];
  }

  private remove(reportId: string): void {
    this.mutations++;
    const slot = this.slots.get(reportId);
    if (slot < 0) return;
    this.slots.delete(reportId);
    this.alive[slot] = 0;
    this.free.push(slot);
  }

  /** The view of one viewer: the classes the database said it may see (classes the store does not hold yet have no facts). */
  view(visible: readonly (FactClass & { counts_in_regional: boolean })[]): FactView {
    if (!this.settled || !this.loadedOnce) throw new AnalysisStoreMoved();
    const state = new Uint8Array(this.classOwner.length);
    for (const c of visible) {
      const id = this.classIds.get(classKey(c, c.counts_in_regional));
      if (id !== undefined) state[id] = VISIBLE;
    }
    return new FactView(this, state, this.mutations);
  }

  /**
   * Cells over the selected rows grouped by `dims`. A list dimension (routes, citizenships, modes)
   * counts a row once under each member of its list: rows are first grouped by the list itself
   * (a few dozen distinct lists), and each group's totals then go to each member's cell, so the
   * per-row work does not grow with the lists.
   */
  aggregate(selection: Selection, dims: readonly Dimension[], fees: boolean): RawCell[] {
    if (selection.mutations !== this.mutations) throw new AnalysisStoreMoved();
    const keyers = dims.map((dim) => this.keyer(dim));
    // A report without a country (far at sea) is in no country's cell; one on land in no sea area's.
    const required = dims.flatMap((dim) => (dim === 'country' ? [this.country] : dim === 'seaArea' ? [this.seaArea] : []));
    const { rows, n } = required.length > 0 ? this.having(selection, required) : selection;
    const multipliers: number[] = [];
    let product = 1;
    for (const keyer of keyers) {
      multipliers.push(product);
      product *= keyer.lists ? this.lists.length : keyer.radix;
    }
    if (product > Number.MAX_SAFE_INTEGER) throw new Error('too many dimensions for one aggregation');
    const scratch = this.scratchFor(n);
    const keys = scratch.keys.subarray(0, n).fill(0);
    keyers.forEach((keyer, d) => {
      if (keyer.lists) fillLists(keyer.lists, rows, n, keys, multipliers[d] as number);
      else keyer.fill?.(rows, n, keys, multipliers[d] as number);
    });
    const cellOf = scratch.cellOf;
    const cellKeys = product <= DENSE_LIMIT ? denseCells(keys, n, cellOf, this.denseScratch(product)) : sparseCells(keys, n, cellOf);
    const groups = cellKeys.length;
    const counts = new Int32Array(groups);
    countCells(cellOf, n, counts);
    const sums = new Float64Array(fees ? 0 : groups * WIDTH);
    let values: Float64Array = new Float64Array(0);
    const offsets = new Int32Array(groups + 1);
    if (fees) {
      for (let c = 0; c < groups; c++) offsets[c + 1] = (offsets[c] as number) + (counts[c] as number);
      values = groupValues(cellOf, rows, n, this.fee, offsets);
    } else {
      sumFigures(cellOf, rows, n, this.figures, sums);
    }

    // Groups to cells: decode each group's codes, spread list codes over their members, merge.
    const unknown = this.strings.id('unknown');
    const cells = new Map<string, { keys: (string | null)[]; reports: number; sums: Float64Array; runs: [number, number][] }>();
    for (let g = 0; g < groups; g++) {
      let rest = cellKeys[g] as number;
      let labels: (string | null)[][] = [[]];
      for (const keyer of keyers) {
        const radix = keyer.lists ? this.lists.length : keyer.radix;
        const code = rest % radix;
        rest = Math.floor(rest / radix);
        let options: (string | null)[];
        if (keyer.lists) {
          const members = this.lists[code] as Int32Array;
          options = members.length === 0 ? [keyer.label(unknown)] : Array.from(members, (member) => keyer.label(member));
        } else {
          options = [keyer.label(code)];
        }
        labels = labels.flatMap((prefix) => options.map((option) => [...prefix, option]));
      }
      for (const keyList of labels) {
        const id = keyList.join('\u0001');
        let cell = cells.get(id);
        if (!cell) {
          cell = { keys: keyList, reports: 0, sums: new Float64Array(WIDTH), runs: [] };
          cells.set(id, cell);
        }
        cell.reports += counts[g] as number;
        if (fees) cell.runs.push([offsets[g] as number, offsets[g + 1] as number]);
        else for (let f = 0; f < WIDTH; f++) cell.sums[f] = (cell.sums[f] as number) + (sums[g * WIDTH + f] as number);
      }
    }
    // Like an SQL aggregate without GROUP BY: no dimensions make one cell, even over no rows.
    if (keyers.length === 0 && cells.size === 0) return [{ keys: [], figures: { ...EMPTY_FIGURES }, fee: null }];
    return [...cells.values()].map((cell) => {
      const totals: Figures = { ...EMPTY_FIGURES, reports: cell.reports };
      if (!fees) FIGURES.forEach((name, f) => (totals[name] = cell.sums[f] as number));
      let fee: RawCell['fee'] = null;
      if (fees) {
        const run = new Float64Array(cell.runs.reduce((total, [a, b]) => total + b - a, 0));
        let at = 0;
        for (const [a, b] of cell.runs) {
          run.set(values.subarray(a, b), at);
          at += b - a;
        }
        fee = median(run);
      }
      return { keys: cell.keys as string[], figures: totals, fee };
    });
  }

  private scratch = { keys: new Float64Array(0), cellOf: new Int32Array(0) };
  private dense = new Int32Array(0);

  /** Buffers reused by every aggregation (they run one at a time: no await inside). */
  private scratchFor(n: number): { keys: Float64Array; cellOf: Int32Array } {
    if (this.scratch.keys.length < n) this.scratch = { keys: new Float64Array(n), cellOf: new Int32Array(n) };
    return this.scratch;
  }

  /** The dense cell table, all -1; denseCells puts back -1 where it wrote. */
  private denseScratch(product: number): Int32Array {
    if (this.dense.length < product) this.dense = new Int32Array(Math.max(product, 1024)).fill(-1);
    return this.dense;
  }

  /** The rows that pass the filters. */
  select(classState: Uint8Array, filters: AnalysisFilters, mutations: number): Selection {
    // A view is only good for the store as it was when the view was made (its classes, its rows).
    if (mutations !== this.mutations) throw new AnalysisStoreMoved();
    const strings = this.strings;
    // The member filter is on the owner, which the class holds: fold it into the class states.
    let state = classState;
    if (filters.member) {
      const owners = new Set(filters.member.map((code) => strings.find(code)).filter((id) => id !== undefined));
      state = classState.map((value, id) => (owners.has(this.classOwner[id] as number) ? value : 0));
    }
    const allowed = (values: string[] | undefined): Uint8Array | null => {
      if (!values) return null;
      const set = new Uint8Array(strings.values.length);
      for (const value of values) {
        const id = strings.find(value);
        if (id !== undefined) set[id] = 1;
      }
      return set;
    };
    const overlapping = (values: string[] | undefined): Uint8Array | null => {
      const members = allowed(values);
      if (!members) return null;
      return Uint8Array.from(this.lists, (list) => (list.some((id) => members[id] === 1) ? 1 : 0));
    };
    const types = allowed(filters.incidentType);
    const countries = allowed(filters.country);
    const seaAreas = allowed(filters.seaArea);
    const origins = allowed(filters.origin);
    const destinations = allowed(filters.destination);
    const citizenshipLists = overlapping(filters.citizenship);
    const modeLists = overlapping(filters.mode);
    const flowLists = overlapping(filters.route);
    const from = filters.from === undefined ? null : dayOf(filters.from);
    const to = filters.to === undefined ? null : dayOf(filters.to);

    const { alive, classOf, type, country, seaArea, origin, destination, citizenships, modes, flows, day } = this;
    const rows = new Int32Array(this.size);
    let n = 0;
    for (let i = 0, size = this.size; i < size; i++) {
      if (alive[i] === 0) continue;
      // A class the view does not know (none can appear while it is current) counts for nothing.
      const seen = state[classOf[i] as number] ?? 0;
      if (seen === 0) continue;
      if (types && types[type[i] as number] === 0) continue;
      if (countries && countries[country[i] as number] === 0) continue;
      if (seaAreas && seaAreas[seaArea[i] as number] === 0) continue;
      if (origins && origins[origin[i] as number] === 0) continue;
      if (destinations && destinations[destination[i] as number] === 0) continue;
      if (citizenshipLists && citizenshipLists[citizenships[i] as number] === 0) continue;
      if (modeLists && modeLists[modes[i] as number] === 0) continue;
      if (flowLists && flowLists[flows[i] as number] === 0) continue;
      if (from !== null && ((day[i] as number) === NO_DAY || (day[i] as number) < from)) continue;
      if (to !== null && ((day[i] as number) === NO_DAY || (day[i] as number) > to)) continue;
      rows[n] = i;
      n++;
    }
    return { rows, n, mutations };
  }

  /** The owners of a selection's rows (for the audit row of the request that read them). */
  ownersOf(selection: Selection): Set<string> {
    if (selection.mutations !== this.mutations) throw new AnalysisStoreMoved();
    const ids = new Uint8Array(this.strings.values.length);
    for (let j = 0; j < selection.n; j++) ids[this.classOwner[this.classOf[selection.rows[j] as number] as number] as number] = 1;
    const owners = new Set<string>();
    ids.forEach((flag, id) => {
      const code = this.strings.values[id];
      if (flag && code) owners.add(code);
    });
    return owners;
  }

  /** The rows of a selection with a value in each of the columns. */
  private having(selection: Selection, columns: readonly Int32Array[]): Selection {
    const rows = new Int32Array(selection.n);
    let n = 0;
    for (let j = 0; j < selection.n; j++) {
      const row = selection.rows[j] as number;
      if (columns.some((column) => column[row] === 0)) continue;
      rows[n] = row;
      n++;
    }
    return { rows, n, mutations: selection.mutations };
  }

  /** The rows of a selection that have a location (for the map) or a fee per person (for fees). */
  narrow(selection: Selection, need: 'located' | 'fee'): Selection {
    const rows = new Int32Array(selection.n);
    const first = need === 'fee' ? this.fee : this.latitude;
    const second = need === 'fee' ? this.fee : this.longitude;
    let n = 0;
    for (let j = 0; j < selection.n; j++) {
      const row = selection.rows[j] as number;
      if (Number.isNaN(first[row]) || Number.isNaN(second[row])) continue;
      rows[n] = row;
      n++;
    }
    return { rows, n, mutations: selection.mutations };
  }

  /** How a dimension turns rows into codes (`fill`, or per list member) and codes back into labels. */
  private keyer(dim: Dimension): Keyer {
    const strings = this.strings;
    // Made first, so the radix counts it.
    const unknownId = strings.id('unknown');
    const label = (code: number): string | null => strings.values[code] ?? null;
    const text = (column: Int32Array, unknown: boolean): Keyer => ({
      radix: strings.values.length,
      label,
      fill: unknown
        ? (rows, n, keys, multiplier) => {
            for (let j = 0; j < n; j++) keys[j] = (keys[j] as number) + ((column[rows[j] as number] as number) || unknownId) * multiplier;
          }
        : (rows, n, keys, multiplier) => {
            for (let j = 0; j < n; j++) keys[j] = (keys[j] as number) + (column[rows[j] as number] as number) * multiplier;
          },
    });
    const list = (column: Int32Array): Keyer => ({ radix: strings.values.length, label, lists: column });
    const period = (divisor: number, name: (k: number) => string): Keyer => {
      const low = Number.isFinite(this.minMonth) ? Math.floor(this.minMonth / divisor) : 0;
      const high = Number.isFinite(this.maxMonth) ? Math.floor(this.maxMonth / divisor) : 0;
      const month = this.month;
      return {
        radix: high - low + 2,
        label: (code) => (code === 0 ? 'unknown' : name(code - 1 + low)),
        fill: (rows, n, keys, multiplier) => {
          for (let j = 0; j < n; j++) {
            const m = month[rows[j] as number] as number;
            if (m !== NO_MONTH) keys[j] = (keys[j] as number) + (Math.floor(m / divisor) - low + 1) * multiplier;
          }
        },
      };
    };
    const pad = (value: number, width: number): string => String(value).padStart(width, '0');
    switch (dim) {
      case 'month': return period(1, (k) => `${pad(Math.floor(k / 12), 4)}-${pad((k % 12) + 1, 2)}`);
      case 'quarter': return period(3, (k) => `${pad(Math.floor(k / 4), 4)}-Q${(k % 4) + 1}`);
      case 'year': return period(12, (k) => pad(k, 4));
      case 'incidentType': return text(this.type, false);
      case 'country': return text(this.country, false);
      case 'seaArea': return text(this.seaArea, false);
      case 'origin': return text(this.origin, true);
      case 'destination': return text(this.destination, true);
      case 'currency': return text(this.currency, false);
      case 'member': {
        const owners = Int32Array.from(this.classOwner);
        const classOf = this.classOf;
        return {
          radix: strings.values.length,
          label,
          fill: (rows, n, keys, multiplier) => {
            for (let j = 0; j < n; j++) keys[j] = (keys[j] as number) + (owners[classOf[rows[j] as number] as number] as number) * multiplier;
          },
        };
      }
      case 'route': return list(this.flows);
      case 'citizenship': return list(this.citizenships);
      case 'mode': return list(this.modes);
      default: {
        const match = /^grid:([0-9]{1,3}(\.[0-9]{1,3})?)$/.exec(dim);
        const size = match ? Number(match[1]) : Number.NaN;
        if (!(size >= 0.01)) throw new Error(`bad grid ${dim}`);
        // The database's arithmetic: float8 division, floor, then integer cells.
        const latOffset = Math.ceil(90 / size) + 1;
        const lonOffset = Math.ceil(180 / size) + 1;
        const latRadix = 2 * latOffset + 1;
        const lonRadix = 2 * lonOffset + 1;
        const { latitude, longitude } = this;
        return {
          radix: latRadix * lonRadix,
          label: (code) => `${Math.floor(code / lonRadix) - latOffset}:${(code % lonRadix) - lonOffset}`,
          fill: (rows, n, keys, multiplier) => {
            for (let j = 0; j < n; j++) {
              const row = rows[j] as number;
              const lat = Math.floor((latitude[row] as number) / size) + latOffset;
              const lon = Math.floor((longitude[row] as number) / size) + lonOffset;
              if (lat < 0 || lat >= latRadix || lon < 0 || lon >= lonRadix) throw new Error('a fact has coordinates out of range');
              keys[j] = (keys[j] as number) + (lat * lonRadix + lon) * multiplier;
            }
          },
        };
      }
    }
  }
}

const VISIBLE = 1;

interface Keyer {
  radix: number;
  label(code: number): string | null;
  /** Adds the dimension's code of each selected row, times `multiplier`, to its key. */
  fill?: (rows: Int32Array, n: number, keys: Float64Array, multiplier: number) => void;
  /** A list dimension: the column of list ids (rows are expanded per member). */
  lists?: Int32Array;
}

/** One viewer's view of the store, for one request. */
class FactView {
  /** The rows each filter selected, kept for the request's other aggregations with the same filter. */
  private readonly selections = new Map<string, Selection>();

  constructor(
    private readonly store: FactStore,
    private readonly state: Uint8Array,
    private readonly mutations: number,
  ) {}

  private selection(filters: AnalysisFilters, need: 'all' | 'located' | 'fee'): Selection {
    const key = `${need} ${JSON.stringify(filters)}`;
    let selection = this.selections.get(key);
    if (!selection) {
      selection = need === 'all' ? this.store.select(this.state, filters, this.mutations) : this.store.narrow(this.selection(filters, 'all'), need);
      this.selections.set(key, selection);
    }
    return selection;
  }

  /** The owners of every report that entered this view's aggregations so far. */
  owners(): string[] {
    const owners = new Set<string>();
    for (const selection of this.selections.values()) for (const owner of this.store.ownersOf(selection)) owners.add(owner);
    return [...owners].sort();
  }

  cells(filters: AnalysisFilters, dims: readonly Dimension[]): RawCell[] {
    return this.store.aggregate(this.selection(filters, dims.some((dim) => dim.startsWith('grid:')) ? 'located' : 'all'), dims, false);
  }

  /** Fee cells: per person fee median, min and max. */
  feeCells(filters: AnalysisFilters, dims: readonly Dimension[]): RawCell[] {
    return this.store.aggregate(this.selection(filters, 'fee'), dims, true);
  }
}

/** Selected rows (slot numbers); the first `n` entries are used. */
interface Selection {
  rows: Int32Array;
  n: number;
  /** The store's count of changes when the rows were selected: they are good for that state only. */
  mutations: number;
}

/**
 * The store changed after a request's view was made (another request caught it up): the request's
 * answer would mix two states, so it is refused and the route starts it again.
 */
export class AnalysisStoreMoved extends Error {
  constructor() {
    super('the analysis store changed during the request');
  }
}

const stores = new WeakMap<Database, FactStore>();

/** The process's store for a database. */
export function factStoreFor(db: Database): FactStore {
  let store = stores.get(db);
  if (!store) {
    store = new FactStore(db);
    stores.set(db, store);
  }
  return store;
}

/**
 * The viewer's view, for a request whose store was caught up before its transaction began: the
 * access classes it may see, read as the application role, so row-level security and reciprocity
 * apply on top of the query layer's condition.
 */
export async function factView(ctx: Ctx): Promise<FactView> {
  const store = factStoreFor(ctx.platform.db);
  if (!store.loaded) throw new Error('the analysis store was not caught up before the request');
  const classes = await ctx.tx.query<FactClass & { counts_in_regional: boolean }>(sql`
    SELECT c.owner, c.audience_kind, c.audience_members, c.audience_groups, c.counts_in_regional
    FROM report_fact_classes c
    WHERE ${ctx.visible('c')} AND (c.owner = ${ctx.actor.member} OR lintas_reports_contributor())`);
  return store.view(classes);
}
