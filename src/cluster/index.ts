export { serveGateway, type ServeOptions } from './serve.js';
export { StartRefused } from './primary.js';
export { parseWorkerCount, maxWorkers } from './worker-count.js';
export { parseHeapGrowthPercent, defaultHeapGrowthPercent, heapGrowthRange } from './heap-growth.js';
