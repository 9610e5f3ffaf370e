export { stitchGraph } from './stitch-graph.js';
