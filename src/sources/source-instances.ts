import { InstancePool } from '../resilience/instance-pool.js';
import type { SourceDefinition } from './model.js';
import { ejectAfterFailures } from './parse-source-instances.js';
import { publishCircuitState } from './upstream-events.js';

/** The instance pool of a source with several instances: its ejection threshold, each instance's state changes published (and logged). */
export function createSourceInstances<T>(
  source: SourceDefinition,
  targets: ReadonlyArray<{ url: string; target: T }>,
): InstancePool<T> {
  return new InstancePool(targets, {
    ejectAfterFailures: source.ejectAfterFailures ?? ejectAfterFailures.default,
    onStateChange: (instance, state) => publishCircuitState({ source: source.name, instance, state }),
  });
}
