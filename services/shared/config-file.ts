import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type JSONSchemaType } from 'ajv';
import { parse } from 'yaml';
import { ConfigError } from './errors.ts';

const ajv = new Ajv({ allErrors: true, strict: true });

/** `parties[3].code: must match pattern "^[A-Z]{2}$"` */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
      .join('')
      .replace(/^\./, '');
    const extra = e.keyword === 'additionalProperties' ? ` "${String(e.params.additionalProperty)}"` : '';
    return `${path || '(root)'}: ${e.message ?? e.keyword}${extra}`;
  });
}

/** Reads a YAML file and validates it against a JSON Schema; errors name the file and the field. */
export function loadYamlFile<T>(file: string, schema: JSONSchemaType<T>): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`${file}: cannot be read (${(cause as Error).message})`, { cause });
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (cause) {
    throw new ConfigError(`${file}: is not valid YAML (${(cause as Error).message})`, { cause });
  }
  const validate = ajv.compile(schema);
  if (!validate(data)) {
    throw new ConfigError(`${file}: ${describeSchemaErrors(validate.errors).join('; ')}`);
  }
  return data;
}
