export { useFieldGate, type FieldDecider, type Occurrence } from './use-field-gate.js';
export type { PolicyLookup } from './collect-occurrences.js';
