import pg from 'pg';
import { literal, type Sql } from './sql.js';

// pg's own conversion of a parameter value to its text (`pg.utils`, which its typings leave out).
const { prepareValue } = (pg as unknown as { utils: { prepareValue: (value: unknown) => unknown } }).utils;

/**
 * A value written into statement text as the literal pg would have sent as an untyped parameter:
 * the same text (`prepareValue`), quoted by `literal`. An untyped literal takes its type
 * from where it stands, as an untyped parameter does. Undefined for a string holding NUL, which
 * simple-protocol text cannot carry (the statement then goes as parameters).
 */
export function literalOf(value: unknown): string | undefined {
  const prepared = prepareValue(value) as string | Buffer | null;
  if (prepared === null) return 'NULL';
  const text = Buffer.isBuffer(prepared) ? `\\x${prepared.toString('hex')}` : prepared;
  if (text.includes('\0')) return undefined;
  return literal(text);
}

/** The statements prepared on one session (`Sql.withGenericPlan`): their names by their text with `$n`, and the next number. */
interface Prepared {
  names: Map<string, string>;
  next: number;
}
const preparedOn = new WeakMap<object, Prepared>();

/**
 * A statement marked `withGenericPlan` as text that runs it from a statement prepared on the
 * session (a server connection, or PGlite's one session), with the generic plan forced for the
 * rest of the transaction:
 * `SET LOCAL plan_cache_mode = force_generic_plan; [PREPARE name AS …;] EXECUTE name(<literals>)`,
 * the PREPARE only the first time. Its result is the text's last. `ran()` records the name once the
 * text ran; a PREPARE outlives a rollback, so after a failure the next attempt takes a fresh name,
 * never a taken one. Undefined when a value cannot be written as a literal.
 */
export function preparedRun(session: object, statement: Sql): { text: string; ran(): void } | undefined {
  const { text, values } = statement.compile();
  const literals = values.map(literalOf);
  if (literals.includes(undefined)) return undefined;
  let prepared = preparedOn.get(session);
  if (!prepared) preparedOn.set(session, (prepared = { names: new Map(), next: 1 }));
  const known = prepared.names.get(text);
  const name = known ?? `lintas_generic_${prepared.next++}`;
  const execute = `EXECUTE ${name}${literals.length > 0 ? `(${literals.join(', ')})` : ''}`;
  return {
    text: `SET LOCAL plan_cache_mode = force_generic_plan;\n${known === undefined ? `PREPARE ${name} AS ${text};\n` : ''}${execute}`,
    ran: () => prepared.names.set(text, name),
  };
}
