// `npm run bench` entry: production mode for graphql-js (as `npm start` and `facet start` use), then the benchmark.
process.env['NODE_ENV'] ??= 'production';
await import('./run.js');
