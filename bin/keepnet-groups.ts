#!/usr/bin/env -S node --import tsx
// keepnet-groups: the operator CLI (see docs/cli.md). Run with `npx tsx bin/keepnet-groups.ts --help`.
import { connect } from '../cli/connect';
import { processIo } from '../cli/output';
import { runCli } from '../cli/program';

process.exitCode = await runCli(process.argv.slice(2), processIo(), connect);
