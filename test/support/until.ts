/** Polls `f` every `everyMs` until it gives a value; past `ms`, fails naming what it waited for. */
export async function until<T>(
  what: string,
  f: () => T | undefined | Promise<T | undefined>,
  ms = 30_000,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
