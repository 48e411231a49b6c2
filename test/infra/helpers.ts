// Builds the stack the way `cdk synth` does (cdk.json's context, feature flags included), minus the
// bundling: `aws:cdk:bundling-stacks: []` skips esbuild where only the template matters.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { defineKeepnetAutomation } from '../../infra/define';
import type { KeepnetAutomationStack } from '../../infra/stack';

export const REPO_ROOT = process.cwd();

export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface TestApp {
  app: App;
  stack: KeepnetAutomationStack;
}

export function buildApp(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean; outdir?: string } = {},
): TestApp {
  const app = new App({
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const stack = defineKeepnetAutomation(app, {
    repoRoot: REPO_ROOT,
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  return { app, stack };
}

export function synthTemplate(context: Record<string, unknown> = {}): Template {
  return Template.fromStack(buildApp(context).stack);
}

/** Logical id of the single resource of `type` whose properties match `props` (throws otherwise). */
export function logicalIdOf(template: Template, type: string, props?: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, props ? { Properties: props } : undefined));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.join(', ')}`);
  return found[0]!;
}
