// Validates a summary against the committed JSON Schema (schemas/summary.v2.schema.json, made
// from the RunSummary type by `npm run schema`), so a later tool can trust what it reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { SUMMARY_SCHEMA_FILE } from './summary';

export function summaryValidator(root: string): (value: unknown) => string[] {
  const schema = JSON.parse(readFileSync(join(root, SUMMARY_SCHEMA_FILE), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`));
}
