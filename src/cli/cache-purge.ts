import { request } from 'undici';

/** `facet cache purge`: asks a running gateway's admin endpoint to purge; prints what it dropped. Exit code 0 or 1. */
export async function purgeCache(options: {
  url: string;
  adminKey?: string;
  type: string;
  id?: string;
}): Promise<number> {
  if (!options.adminKey) {
    console.error('facet cache purge: set FACET_ADMIN_KEY to the gateway’s admin key');
    return 1;
  }
  const body = JSON.stringify({ type: options.type, ...(options.id === undefined ? {} : { id: options.id }) });
  try {
    const res = await request(new URL('/admin/cache/purge', options.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${options.adminKey}`, 'content-type': 'application/json' },
      body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const answer = (await res.body.json().catch(() => undefined)) as
      | { purged?: number; tags?: string[]; errors?: Array<{ message: string }> }
      | undefined;
    if (res.statusCode !== 200) {
      console.error(`facet cache purge: ${res.statusCode} ${answer?.errors?.[0]?.message ?? ''}`.trim());
      return 1;
    }
    console.log(`purged ${answer?.purged ?? 0} cached answers holding ${answer?.tags?.join(', ')}`);
    return 0;
  } catch (error) {
    console.error(`facet cache purge: ${options.url} did not answer (${(error as Error).message})`);
    return 1;
  }
}
