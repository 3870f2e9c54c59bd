import { dayOf } from '@tarmac/core';
import { UsageError } from './usage-error';

/** The day exemptions are judged on: --at (YYYY-MM-DD, UTC) or the clock; tests always pass --at. */
export function dayOption(at: string | undefined): Date {
  if (at === undefined) return new Date();
  const day = dayOf(at);
  if (!day) throw new UsageError(`--at ${at}: expected a day as YYYY-MM-DD`);
  return day;
}
