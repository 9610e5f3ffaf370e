// `npm start` entry. graphql-js runs extra development checks on every type test unless
// NODE_ENV is production, so it is set before anything loads graphql.
process.env['NODE_ENV'] ??= 'production';
await import('./demo-main.js');
