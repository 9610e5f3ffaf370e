export { buildGraphModel, type GraphModel } from './graph-model.js';
export {
  executorOf,
  executors,
  type Executor,
  usePlanner,
  plannerFallbackChannelName,
  planBuiltChannelName,
  type ClientPlanner,
} from './use-planner.js';
