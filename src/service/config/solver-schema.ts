/**
 * The service's solver mode (issue #24): `solver:` in a service file runs the solver loop of
 * `ballast solve --watch` inside `ballast serve` (src/service/solver-loop.ts).
 */
import { z } from 'zod';

export const solverSchema = z.strictObject({
  /** The local chain's addresses, pools and settlement, as `ballast chain up` wrote them (`.ballast/chain.json`). */
  chainFile: z.string().min(1),
  /** The order book's URL (the intent venues post to it). */
  book: z.url(),
  /** Environment variable holding the allow-listed solver's key (it sends `settle` and pays the gas). */
  keyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
  /** Or a file (owner-only) holding it; one of keyEnv and keyFile is required. */
  keyFile: z.string().min(1).optional(),
  /** Time between solving rounds (ms). */
  intervalMs: z.number().int().min(50).max(3_600_000).default(1000),
  /** false: simulate each settlement and send nothing (the rounds still show in /metrics). */
  send: z.boolean().default(true),
});
