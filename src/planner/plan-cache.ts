import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { PlanOutcome } from './plan.js';

/**
 * Plans by (client schema, document object, operation name + `@skip`/`@include` values). The
 * schema is a WeakMap key, so a hot reload drops the old plans with the old schema; per schema,
 * the documents are an LRU of at most `maxDocuments` (yoga's parse cache hands out the same
 * document object for the same text).
 */
export class PlanCache {
  readonly #bySchema = new WeakMap<GraphQLSchema, Map<DocumentNode, Map<string, PlanOutcome>>>();
  constructor(readonly maxDocuments = 1000) {}

  get(schema: GraphQLSchema, document: DocumentNode, key: string): PlanOutcome | undefined {
    const documents = this.#bySchema.get(schema);
    const plans = documents?.get(document);
    if (!plans) return undefined;
    documents!.delete(document); // most recently used goes last
    documents!.set(document, plans);
    return plans.get(key);
  }

  set(schema: GraphQLSchema, document: DocumentNode, key: string, outcome: PlanOutcome): void {
    let documents = this.#bySchema.get(schema);
    if (!documents) {
      documents = new Map();
      this.#bySchema.set(schema, documents);
    }
    let plans = documents.get(document);
    if (!plans) {
      if (documents.size >= this.maxDocuments) documents.delete(documents.keys().next().value!);
      plans = new Map();
      documents.set(document, plans);
    }
    plans.set(key, outcome);
  }
}
