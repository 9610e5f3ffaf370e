#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx registers the loader for this process.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
