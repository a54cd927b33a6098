#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx registers the loader.
import { register } from 'tsx/esm/api';

register();
await import('../services/cli/main.ts');
