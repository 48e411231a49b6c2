// Imported first by bench/run.ts: Powertools reads these when its modules load, and ESM evaluates
// imports in order, so setting them in run.ts's own body would be too late. Metrics would otherwise
// print EMF JSON lines through the table.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
