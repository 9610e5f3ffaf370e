export {
  CircuitBreaker,
  CircuitOpenError,
  defaultCircuitBreakerOptions,
  type CircuitBreakerOptions,
  type CircuitState,
} from './circuit-breaker.js';
