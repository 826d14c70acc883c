import type pg from 'pg';

/**
 * A bench's serving login (`DATABASE_APP_URL`): a role that logs in and is a member of lintas_app and
 * nothing more, as deploy/db-init.sh makes it (lintas_app first, when no migration has made it yet).
 * Made unless the server has a role of that name; returns `url` (a database on that server) reached
 * through it. The caller drops it when its run made it for itself.
 */
export async function servingLogin(admin: pg.Client, url: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`a serving login takes a plain role name, got "${name}"`);
  const exists = async (role: string): Promise<boolean> => Boolean((await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount);
  if (!(await exists('lintas_app'))) await admin.query('CREATE ROLE lintas_app NOLOGIN NOSUPERUSER NOBYPASSRLS');
  if (!(await exists(name))) await admin.query(`CREATE ROLE ${name} LOGIN IN ROLE lintas_app`);
  const serving = new URL(url);
  serving.username = name;
  return serving.toString();
}
