#!/usr/bin/env node
// Entry point for the package.json "bin" entry: registers tsx (resolved from this package, so it works
// from any working directory) and runs the TypeScript CLI in bin/keepnet-groups.ts.
import { register } from 'tsx/esm/api';

register();
await import('./keepnet-groups.ts');
