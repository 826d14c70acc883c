import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, test } from 'vitest';

// The web app takes its API types from the server's schemas (type-only imports, erased from the
// bundle) and its code lists from server files that import nothing at run time. These tests keep it
// so: a runtime import of a schema file would bundle TypeBox and the server's code into the web app.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const serverRoot = join(root, 'src');

/** The server files whose lists the web app bundles: they must import nothing at run time. */
const IMPORT_FREE = ['src/platform/auth/roles.ts', 'src/platform/sharing/codes.ts', 'src/modules/reports/codes.ts', 'src/modules/documents/codes.ts', 'src/modules/linkage/codes.ts', 'src/modules/biometrics/codes.ts', 'src/modules/biometrics/formats.ts', 'src/modules/bulletins/codes.ts'];
/**
 * The packages a server file the web app bundles may import: the country names of the MRZ reader's
 * ICAO codes, and zxcvbn with its dictionaries for the password strength meter (a chunk of its own, loaded lazily).
 */
const BROWSER_PACKAGES = new Set(['i18n-iso-countries', 'i18n-iso-countries/langs/en.json', '@zxcvbn-ts/core', '@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en']);

interface RuntimeImport {
  specifier: string;
  line: number;
}

/** The imports of a file that stay at run time: not `import type`/`export type`, not type positions. */
function runtimeImports(file: string): RuntimeImport[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: RuntimeImport[] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined): void => {
    if (specifier && ts.isStringLiteral(specifier)) found.push({ specifier: specifier.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const onlyTypes = bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
      if (clause?.phaseModifier !== ts.SyntaxKind.TypeKeyword && !(clause && !clause.name && onlyTypes)) add(node, node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node)) {
      const onlyTypes = node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((element) => element.isTypeOnly);
      if (!node.isTypeOnly && !onlyTypes) add(node, node.moduleSpecifier);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const resolveFrom = (file: string, specifier: string): string => resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
const inServer = (path: string): boolean => path.startsWith(`${serverRoot}/`);

test('the server files with the code lists import nothing at run time', () => {
  for (const file of IMPORT_FREE) expect(runtimeImports(join(root, file)), file).toEqual([]);
});

test('the web app imports server code at run time only from files that bundle no TypeBox, Node or server package', () => {
  const problems: string[] = [];
  const reached = new Set<string>();
  const follow = (file: string): void => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const { specifier, line } of runtimeImports(file)) {
      const where = `${relative(root, file)}:${line}`;
      if (!specifier.startsWith('.')) {
        if (!BROWSER_PACKAGES.has(specifier)) problems.push(`${where} imports ${specifier}`);
        continue;
      }
      const target = resolveFrom(file, specifier);
      if (target.endsWith('.json')) continue;
      follow(target);
    }
  };
  for (const file of sourceFiles(join(root, 'web/src'))) {
    for (const { specifier } of runtimeImports(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveFrom(file, specifier);
      if (inServer(target)) follow(target);
    }
  }
  expect(problems).toEqual([]);
  // The lists, the roles, the MRZ reader (with its ICAO codes) and the judge of passwords, and nothing else of the server.
  const serverFiles = [...reached].filter(inServer).map((file) => relative(root, file)).sort();
  expect(serverFiles).toEqual([...IMPORT_FREE, 'src/modules/documents/icao.ts', 'src/modules/documents/mrz.ts', 'src/platform/auth/password-strength.ts', 'src/platform/geo/countries.ts'].sort());
});
