// The contract check the HTTP API test files end with: every answer a file recorded must match the
// schema the OpenAPI document declares for its route and status (Error for every 4xx/5xx).
import Ajv2020 from 'ajv/dist/2020';
import { routeFor } from '../../lib/rest-api/routes';
import { responseSchemas } from '../../lib/rest-api/schemas';
import type { ApiCallResult } from '../../local/lambda-events';

export interface RecordedAnswer {
  method: string;
  path: string;
  result: ApiCallResult;
}

/**
 * Validates each answer against the document's components; throws naming the first that does not
 * match. Returns the `operationId status` pairs it checked, so a file can require its routes were.
 */
export function checkAnswersAgainstDocument(
  doc: { components: { schemas: Record<string, object> } },
  answers: readonly RecordedAnswer[],
): Set<string> {
  const ajv = new Ajv2020({ strict: false });
  ajv.addSchema({ $id: 'doc', components: doc.components });
  const checked = new Set<string>();
  for (const { method, path, result } of answers) {
    const route = routeFor(method, path);
    if (!route || result.body === undefined) continue;
    const schema = result.status === route.success.status ? route.success.schema : undefined;
    const id = result.status >= 400 ? 'Error' : schema ? responseSchemas.get(schema)?.id : undefined;
    if (!id) continue;
    const validate =
      ajv.getSchema(`doc#/components/schemas/${id}`) ??
      ajv.compile({ $ref: `doc#/components/schemas/${id}` });
    if (!validate(result.body)) {
      throw new Error(
        `${method} ${path} → ${result.status} does not match ${id}: ${ajv.errorsText(validate.errors)}`,
      );
    }
    checked.add(`${route.operationId} ${result.status}`);
  }
  return checked;
}
