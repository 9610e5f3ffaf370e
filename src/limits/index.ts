export { useDocumentLimits, maxNestingFor, type DocumentLimits } from './use-document-limits.js';
export { documentNestsDeeperThan, jsonNestsDeeperThan } from './nesting-depth.js';
export { useListArgumentLimit } from './use-list-argument-limit.js';
