export { buildGraphModel, type GraphModel } from './graph-model.js';
export { usePlanner, plannerEnabled, plannerFallbackChannelName } from './use-planner.js';
