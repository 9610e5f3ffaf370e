export { useDocumentLimits, type DocumentLimits } from './use-document-limits.js';
