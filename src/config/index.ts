export { ConfigError, ProblemList, formatProblem, type ConfigProblem } from './config-error.js';
export { loadConfigFolder, type GatewayConfig } from './load-config.js';
export { interpolateEnv } from './env.js';
