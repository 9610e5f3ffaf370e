import { createHash } from 'node:crypto';
import { type DocumentNode, type ExecutionResult, print } from 'graphql';
import { publishCacheEvent, type CacheStore } from '../cache/cache-store.js';
import { stableStringify } from '../sources/loaders.js';
import type { GatewayContext } from '../server/context.js';
import type { CachePolicy } from './cache-policy.js';

/**
 * Whole responses of one client's cacheable queries, in the gateway's cache store. The key is
 * the client, the document (a hash of its text, made once per parsed document), the variables,
 * the fields the field gate refused for the request, and for PRIVATE a hash of the caller's
 * identity. The gate and the quotas run before a response is looked up, so a refused field is
 * never served from here and a cached answer still counts against quotas. Only answers without
 * errors are kept; each is tagged with the entities of the call answers it was built from, so a
 * purge of one of them (a mutation, the admin endpoint) drops it too.
 */
export class ResponseCache {
  readonly #owner: string;
  readonly #documentIds = new WeakMap<DocumentNode, string>();

  constructor(
    readonly client: string,
    readonly store: CacheStore,
  ) {
    this.#owner = `client:${client}`;
  }

  /** Runs `execute` unless a stored answer exists; stores what it answers without errors. */
  async serve(
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown>,
    context: GatewayContext,
    policy: CachePolicy,
    execute: () => ExecutionResult | Promise<ExecutionResult>,
  ): Promise<ExecutionResult> {
    const key = this.#keyOf(document, operationName, variables, context, policy);
    if (key === undefined) return execute();
    const [found] = await this.store.get([key]);
    publishCacheEvent(this.#owner, found ? 'hit' : 'miss');
    if (found) {
      if (context.caching) context.caching.ageMs = found.ageMs;
      return JSON.parse(found.text) as ExecutionResult;
    }
    const tags = new Set<string>();
    const epoch = this.store.epoch;
    context.cacheTags = tags;
    const result = await execute();
    context.cacheTags = undefined;
    if (!result.errors?.length && !result.extensions)
      this.store.set([
        { key, text: JSON.stringify(result), ttlMs: policy.maxAgeMs, tags: [...tags], owner: this.#owner, epoch },
      ]);
    return result;
  }

  /** Undefined when a refused field cannot be named for the key (then the response is not cached). */
  #keyOf(
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown>,
    context: GatewayContext,
    policy: CachePolicy,
  ): string | undefined {
    let refused = '';
    for (const node of context.fieldRefusals?.nodes ?? []) {
      if (node.loc === undefined) return undefined;
      refused += `${node.loc.start},`;
    }
    let id = this.#documentIds.get(document);
    if (id === undefined) {
      id = createHash('sha256').update(print(document)).digest('base64url');
      this.#documentIds.set(document, id);
    }
    const who =
      policy.scope === 'PRIVATE'
        ? createHash('sha256')
            .update(stableStringify(context.identity ?? null))
            .digest('base64url')
        : '';
    return `r:${this.client}:${id}:${operationName ?? ''}:${stableStringify(variables)}:${refused}:${who}`;
  }
}
