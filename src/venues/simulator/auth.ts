/**
 * Binance's request authentication, checked for real: API key header, HMAC-SHA256 over the raw (still
 * URL-encoded) query string + body, and the timestamp against the server clock and recvWindow.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BinanceError } from './types.ts';

export interface Credentials {
  readonly apiKey: string;
  readonly secret: string;
}

/**
 * Verifies a signed request and returns its decoded parameters.
 * `rawQuery` is the part after "?" (no "?"), `rawBody` the form body, both exactly as received.
 */
export function verifySigned(
  creds: Credentials,
  apiKeyHeader: string | undefined,
  rawQuery: string,
  rawBody: string,
  serverTime: number,
): Record<string, string> {
  if (apiKeyHeader === undefined || apiKeyHeader === '') throw new BinanceError(401, -2014, 'API-key format invalid.');
  if (apiKeyHeader !== creds.apiKey)
    throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
  // Binance signs totalParams = query string concatenated with the body.
  const payload = rawQuery + rawBody;
  const m = /^(.*)&signature=([0-9a-fA-F]{64})$/s.exec(payload);
  if (m === null)
    throw new BinanceError(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
  const expected = createHmac('sha256', creds.secret).update(m[1]).digest();
  const got = Buffer.from(m[2], 'hex');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw new BinanceError(400, -1022, 'Signature for this request is not valid.');
  }
  const params = Object.fromEntries(new URLSearchParams(m[1]));
  const ts = Number(params.timestamp);
  if (!Number.isFinite(ts))
    throw new BinanceError(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
  const recvWindow = params.recvWindow === undefined ? 5000 : Number(params.recvWindow);
  if (!(recvWindow > 0) || recvWindow > 60_000)
    throw new BinanceError(400, -1131, 'recvWindow must be less than 60000');
  // Binance: accept iff timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow.
  if (!(ts < serverTime + 1000 && serverTime - ts <= recvWindow)) {
    throw new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
  }
  return params;
}

/** Signs a query string like ccxt does (for tests and tools that talk to the simulator without ccxt). */
export function sign(secret: string, query: string): string {
  return `${query}&signature=${createHmac('sha256', secret).update(query).digest('hex')}`;
}
