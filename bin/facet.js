#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx registers the loader for this process.
import { register } from 'tsx/esm/api';

// graphql-js runs extra development checks on every type test unless NODE_ENV is production.
process.env.NODE_ENV ??= 'production';
register();
await import('../src/cli/index.ts');
