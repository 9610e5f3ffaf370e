import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Documents known before any request (the REST facade's operations), by their exact text: a
 * request with that text executes this very object, so what was prepared for it at start-up
 * (its plan) is found by identity. Other texts parse as usual.
 */
export function usePinnedDocuments(pinned: ReadonlyMap<string, DocumentNode>): Plugin {
  return {
    onParse({ params, setParsedDocument }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      const document = pinned.get(text);
      if (document) setParsedDocument(document);
    },
  };
}
