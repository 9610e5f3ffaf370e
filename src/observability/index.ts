export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { readOrCreateRequestId, requestIdHeader } from './request-id.js';
export { createMetrics, type Metrics } from './metrics.js';
export { logUpstreamFailures, type UpstreamFailureLogOptions } from './log-upstream-failures.js';
