/** A small HTTP client for the API tests (real requests over 127.0.0.1). */
export interface Res<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export function client(base: string, token?: string) {
  return async <T = unknown>(
    method: string,
    path: string,
    o: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Res<T>> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const t = o.token === undefined ? token : o.token;
    if (t !== null && t !== undefined) headers.authorization = `Bearer ${t}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(base + path, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      redirect: 'manual',
    });
    const text = await r.text();
    let body: unknown = text;
    if ((r.headers.get('content-type') ?? '').includes('json') && text !== '') body = JSON.parse(text);
    return { status: r.status, headers: r.headers, body: body as T, text };
  };
}
