/**
 * fast-check arbitraries for the log-redaction properties: a query string carrying `secret` under the
 * key `token` in random encodings (each letter literal in either case, percent-encoded with either hex
 * case, or double-encoded; `[]`/`[0]` suffixes raw or encoded; `=` raw, encoded or double-encoded;
 * `&` or `;` separators; the key repeated; other parameters around it).
 */
import fc from 'fast-check';

const hex = (c: string) => c.charCodeAt(0).toString(16);

const encodedChar = (c: string) =>
  fc.constantFrom(
    c.toLowerCase(),
    c.toUpperCase(),
    `%${hex(c.toLowerCase())}`,
    `%${hex(c.toUpperCase()).toUpperCase()}`,
    `%25${hex(c.toLowerCase())}`,
  );

/** `token` spelled in one random encoding. */
export const encodedTokenKey = (name = 'token') =>
  fc
    .tuple(
      fc.tuple(...[...name].map(encodedChar)).map((cs) => cs.join('')),
      fc.constantFrom('', '[]', '%5B%5D', '%5b%5d', '[0]', '%5B0%5D'),
    )
    .map(([k, s]) => k + s);

/** `?…` with `secret` under a randomly encoded `token` key, once or more. */
export const queryWithSecret = (secret: string) =>
  fc
    .tuple(
      fc.array(
        fc.tuple(
          encodedTokenKey(),
          fc.constantFrom('=', '%3D', '%3d', '%253D'),
          // The value raw, or with one character percent-encoded (the log must not hold it decodable either).
          fc.constantFrom(secret, `%${hex(secret[0]!)}${secret.slice(1)}`),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      fc.constantFrom('&', ';'),
      fc.constantFrom('', 'portfolio=main&', 'a=1;', 'limit=5&'),
      fc.constantFrom('', '&portfolio=main', ';x=1'),
    )
    .map(([params, sep, before, after]) => `?${before}${params.map(([k, eq, v]) => k + eq + v).join(sep)}${after}`);
