export { useFieldGate, type FieldDecider, type FieldRefusals, type Occurrence } from './use-field-gate.js';
export type { PolicyLookup } from './collect-occurrences.js';
