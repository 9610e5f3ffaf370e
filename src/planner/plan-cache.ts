import type { DocumentNode, GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { PlanOutcome } from './plan.js';

/**
 * Plans by (client schema, document object, operation name + `@skip`/`@include` values). The
 * schema is a WeakMap key, so a hot reload drops the old plans with the old schema; per schema,
 * the documents are an LRU of at most `maxDocuments` (yoga's parse cache hands out the same
 * document object for the same text).
 */
export class PlanCache {
  readonly #bySchema = new WeakMap<GraphQLSchema, LRUCache<DocumentNode, Map<string, PlanOutcome>>>();
  constructor(readonly maxDocuments = 1000) {}

  get(schema: GraphQLSchema, document: DocumentNode, key: string): PlanOutcome | undefined {
    return this.#bySchema.get(schema)?.get(document)?.get(key);
  }

  set(schema: GraphQLSchema, document: DocumentNode, key: string, outcome: PlanOutcome): void {
    let documents = this.#bySchema.get(schema);
    if (!documents) {
      documents = new LRUCache({ max: this.maxDocuments });
      this.#bySchema.set(schema, documents);
    }
    let plans = documents.get(document);
    if (!plans) {
      plans = new Map();
      documents.set(document, plans);
    }
    plans.set(key, outcome);
  }
}
