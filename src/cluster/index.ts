export { serveGateway, type ServeOptions } from './serve.js';
export { StartRefused } from './primary.js';
export { parseWorkerCount, maxWorkers } from './worker-count.js';
export { parseHeapGrowthPercent, defaultHeapGrowthPercent } from './heap-growth.js';
