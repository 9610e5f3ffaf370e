export { buildGraphModel, type GraphModel } from './graph-model.js';
export { executorOf, executors, type Executor, usePlanner, plannerFallbackChannelName } from './use-planner.js';
