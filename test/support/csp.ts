/**
 * A Content-Security-Policy header as a browser reads it (CSP Level 3, "parse a serialized
 * policy"): directives split on ";", names lower-cased, sources split on white space; a repeated
 * directive is ignored by browsers, so it is reported rather than merged.
 */
export function parseCsp(header: string): { directives: Map<string, string[]>; repeated: string[] } {
  const directives = new Map<string, string[]>();
  const repeated: string[] = [];
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/[\t\n\f\r ]+/).filter(Boolean);
    if (!name) continue;
    const key = name.toLowerCase();
    if (directives.has(key)) repeated.push(key);
    else directives.set(key, sources);
  }
  return { directives, repeated };
}

/** What the policy must say, directive by directive: the exact sources, or those it may hold. */
const REQUIRED: Record<string, { exactly: string[] } | { within: string[] }> = {
  'default-src': { exactly: ["'self'"] },
  'script-src': { exactly: ["'self'"] },
  'script-src-attr': { exactly: ["'none'"] },
  'object-src': { exactly: ["'none'"] },
  'base-uri': { exactly: ["'self'"] },
  'form-action': { exactly: ["'self'"] },
  'frame-ancestors': { exactly: ["'none'"] },
  'connect-src': { exactly: ["'self'"] },
  'img-src': { within: ["'self'", 'data:'] },
  // React sets style attributes; no style can run script, so inline style is allowed.
  'style-src': { within: ["'self'", "'unsafe-inline'"] },
};

/**
 * Every way the Content-Security-Policy header falls short of what Lintas promises: no script but
 * the app's own files (no inline script, no event-handler attributes, no eval), no plugins, no
 * framing, no base or form target elsewhere. Empty when the header is as it must be.
 */
export function cspWeaknesses(header: string | undefined): string[] {
  if (!header) return ['no Content-Security-Policy header'];
  const { directives, repeated } = parseCsp(header);
  const weaknesses = repeated.map((name) => `${name} appears twice (browsers ignore the second)`);
  for (const [name, rule] of Object.entries(REQUIRED)) {
    const sources = directives.get(name);
    if (!sources) {
      weaknesses.push(`${name} is missing`);
      continue;
    }
    const wrong =
      'exactly' in rule
        ? sources.length !== rule.exactly.length || sources.some((source) => !rule.exactly.includes(source))
        : sources.some((source) => !rule.within.includes(source));
    if (wrong) weaknesses.push(`${name} is "${sources.join(' ')}", expected ${'exactly' in rule ? rule.exactly.join(' ') : `only ${rule.within.join(' ')}`}`);
  }
  for (const [name, sources] of directives) {
    if (sources.some((source) => ["'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", '*'].includes(source))) {
      weaknesses.push(`${name} allows ${sources.join(' ')}`);
    }
    if (name !== 'style-src' && sources.includes("'unsafe-inline'")) weaknesses.push(`${name} allows 'unsafe-inline'`);
  }
  return weaknesses;
}
