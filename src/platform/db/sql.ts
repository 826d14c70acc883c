/**
 * A small tagged template for parameterised SQL. Values become `$n` parameters;
 * nested `Sql` fragments are spliced in, so conditions compose without string concatenation.
 */
export class Sql {
  constructor(
    readonly parts: readonly string[],
    readonly values: readonly unknown[],
    /** See `withGenericPlan`. */
    readonly genericPlan = false,
  ) {}

  /**
   * The same statement, marked as one whose best plan does not depend on its values: it is prepared
   * once per session (a server connection, or PGlite's one session) and run with the generic plan,
   * planned (with the row-level security policies it brings in) once instead of on every request.
   * For hot statements only (prepared.ts).
   */
  withGenericPlan(): Sql {
    return new Sql(this.parts, this.values, true);
  }

  /** The text with `$1…$n` placeholders and its values, as both drivers take them. */
  compile(): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const text = this.write((value) => {
      values.push(value);
      return `$${values.length}`;
    });
    return { text, values };
  }

  /** The text with each value written in its place by `place` (compile: a `$n` placeholder). */
  write(place: (value: unknown) => string): string {
    let text = '';
    const walk = (fragment: Sql): void => {
      fragment.parts.forEach((part, index) => {
        text += part;
        if (index >= fragment.values.length) return;
        const value = fragment.values[index];
        if (value instanceof Sql) walk(value);
        else text += place(value);
      });
    };
    walk(this);
    return text;
  }
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return new Sql([...strings], values);
}

/** Trusted SQL text, never user input: identifiers and keywords chosen by code. */
sql.raw = (text: string): Sql => new Sql([text], []);

sql.join = (fragments: readonly Sql[], separator = ', '): Sql => {
  if (fragments.length === 0) return sql.raw('');
  const parts: string[] = [''];
  for (let i = 1; i < fragments.length; i++) parts.push(separator);
  parts.push('');
  return new Sql(parts, fragments);
};

/** A quoted identifier for a name chosen by code (table or column). */
sql.ident = (name: string): Sql => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return sql.raw(`"${name}"`);
};

sql.empty = new Sql([''], []);

/**
 * A string as an SQL literal for statements sent as simple-protocol text (`Tx.defer`): an escape
 * string with backslashes and quotes doubled, so it reads back exactly whatever the server's
 * `standard_conforming_strings`. For values code builds (JSON of audit rows) and for the values of
 * `Database.read` statements on a server, written in as pg would have sent them as parameters (a
 * property test in db.test.ts holds both forms to the same rows); everywhere else input goes as
 * `$n` parameters.
 */
export function literal(text: string): string {
  if (text.includes('\0')) throw new Error('a NUL character cannot be sent in a literal');
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}
