/**
 * Type parsers shared by both drivers, so rows look the same on PGlite and on PostgreSQL:
 * int8 as number (counts and ids stay far below 2^53), date as 'YYYY-MM-DD' text.
 */
export const INT8 = 20;
export const DATE = 1082;

export const parsers: Record<number, (value: string) => unknown> = {
  [INT8]: (value) => Number(value),
  [DATE]: (value) => value,
};
