/**
 * A venue process for the crash test: places one order (its request and config from argv as JSON, the key
 * from INTENT_WALLET_KEY) and prints the final state; the test kills it with SIGKILL between signing and
 * settlement (no solver runs meanwhile).
 */
import { createIntentsVenue, intentsVenueSchema } from '../config.ts';

const [cfgJson, orderJson] = process.argv.slice(2);
const venue = createIntentsVenue(intentsVenueSchema.parse(JSON.parse(cfgJson!)), { clock: { now: () => 0 } });
process.stdout.write('placing\n');
const s = await venue.place(JSON.parse(orderJson!));
process.stdout.write(`${JSON.stringify({ status: s.status })}\n`);
