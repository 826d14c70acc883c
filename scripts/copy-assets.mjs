// Copies what the compiled server reads at run time beside it: the platform's and every module's
// migrations, and the built-in demo data.
import { cpSync, existsSync, readdirSync } from 'node:fs';

cpSync('src/platform/migrations', 'dist/platform/migrations', { recursive: true });
for (const module of readdirSync('src/modules')) {
  if (existsSync(`src/modules/${module}/migrations`)) cpSync(`src/modules/${module}/migrations`, `dist/modules/${module}/migrations`, { recursive: true });
}
cpSync('src/demo/data', 'dist/demo/data', { recursive: true });
cpSync('src/demo/seeds', 'dist/demo/seeds', { recursive: true });
