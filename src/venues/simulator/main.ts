/**
 * Standalone simulator: `node --import tsx src/venues/simulator/main.ts --port 0 [--config sim.json]`.
 * Prints one JSON line {url, apiKey, secret} on stdout once listening (secret: the simulator's own test
 * secret, not a real credential), then serves until SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { start } from './server.ts';
import type { SimConfig } from './types.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, config: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer in 0..65535 (0 = random), got "${values.port}"`);
  process.exit(2);
}
const config: Partial<SimConfig> =
  values.config === undefined ? {} : (JSON.parse(readFileSync(values.config, 'utf8')) as Partial<SimConfig>);
const sim = await start({ ...config, port });
console.log(JSON.stringify({ url: sim.url, apiKey: sim.apiKey, secret: sim.secret }));
const shutdown = (): void => {
  void sim.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
