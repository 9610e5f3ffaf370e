import { execFileSync } from 'node:child_process';
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';

/**
 * Asks a running GraphQL service for its SDL at load time (`@source(sdl: "service")`): a
 * federation subgraph's `_service { sdl }`, else standard introspection printed as SDL.
 * Configuration loading is synchronous (start-up, `facet check`, reload), so the request runs in
 * a short-lived child process, bounded by `timeoutMs`. Throws an Error saying what went wrong.
 */
export function fetchServiceSdl(url: string, timeoutMs: number): string {
  const federation = post(url, '{ _service { sdl } }', timeoutMs) as { data?: { _service?: { sdl?: unknown } } };
  const sdl = federation.data?._service?.sdl;
  if (typeof sdl === 'string' && sdl.trim()) return sdl;
  const introspection = post(url, getIntrospectionQuery(), timeoutMs) as { data?: IntrospectionQuery };
  if (!introspection.data?.__schema) throw new Error('it answered neither _service { sdl } nor introspection');
  return printSchema(buildClientSchema(introspection.data));
}

/** The child's program: POST one query, print the JSON answer; exit 1 with a one-line reason. */
const program = `
const [url, query, timeout] = process.argv.slice(1);
fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
  body: JSON.stringify({ query }), signal: AbortSignal.timeout(Number(timeout)) })
  .then(async (res) => {
    const text = await res.text();
    if (!res.ok) throw new Error('HTTP ' + res.status);
    process.stdout.write(text);
  })
  .catch((error) => {
    const reason = error?.name === 'TimeoutError' ? 'no answer in ' + timeout + ' ms' : (error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error));
    process.stderr.write(String(reason));
    process.exit(1);
  });
`;

function post(url: string, query: string, timeoutMs: number): unknown {
  let text: string;
  try {
    text = execFileSync(process.execPath, ['-e', program, url, query, String(timeoutMs)], {
      encoding: 'utf8',
      timeout: timeoutMs + 2_000,
      maxBuffer: 16 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const reason = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(reason ? `cannot reach it (${reason})` : 'cannot reach it');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('it did not answer JSON');
  }
}
