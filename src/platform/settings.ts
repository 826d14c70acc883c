import type { Config } from './config.js';

/**
 * A module's settings: environment variables with defaults, validated when the server or a command
 * starts (`readAllSettings`), read where they are used with `settings.of(config)`.
 */
export type Setting =
  | { env: string; kind: 'count'; default: number; description: string }
  | { env: string; kind: 'on-off'; default: boolean; description: string };

type Value<S extends Setting> = S extends { kind: 'count' } ? number : boolean;
export type SettingValues<S extends Record<string, Setting>> = { readonly [K in keyof S]: Value<S[K]> };

export interface Settings<S extends Record<string, Setting> = Record<string, Setting>> {
  readonly spec: S;
  /** The values for this configuration (read once per configuration). */
  of(config: Pick<Config, 'env'>): SettingValues<S>;
}

function read(env: Readonly<Record<string, string | undefined>>, setting: Setting): number | boolean {
  const raw = env[setting.env];
  if (raw === undefined || raw === '') return setting.default;
  if (setting.kind === 'on-off') {
    if (raw === 'on' || raw === 'true') return true;
    if (raw === 'off' || raw === 'false') return false;
    throw new Error(`${setting.env} must be on or off, got "${raw}"`);
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${setting.env} must be a whole number, got "${raw}"`);
  return value;
}

export function defineSettings<const S extends Record<string, Setting>>(spec: S): Settings<S> {
  const cache = new WeakMap<object, SettingValues<S>>();
  return {
    spec,
    of(config) {
      let values = cache.get(config.env);
      if (!values) {
        values = Object.fromEntries(Object.entries(spec).map(([key, setting]) => [key, read(config.env, setting)])) as SettingValues<S>;
        cache.set(config.env, values);
      }
      return values;
    },
  };
}
