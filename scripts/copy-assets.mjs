// Copies what the compiled server reads at run time beside it: migrations and the built-in demo data.
import { cpSync } from 'node:fs';

cpSync('src/platform/migrations', 'dist/platform/migrations', { recursive: true });
cpSync('src/demo/data', 'dist/demo/data', { recursive: true });
cpSync('src/demo/seeds', 'dist/demo/seeds', { recursive: true });
