export { buildGraphModel, type GraphModel } from './graph-model.js';
export {
  executorOf,
  executors,
  type Executor,
  usePlanner,
  plannerFallbackChannelName,
  planBuiltChannelName,
} from './use-planner.js';
