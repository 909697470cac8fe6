/** The parts of an OpenAPI 3 schema the hostile-input corpus reads. */
export interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly nullable?: boolean;
  readonly example?: unknown;
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
}

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema: Schema;
}

interface RawOperation {
  readonly parameters?: Parameter[];
  readonly requestBody?: { content?: Record<string, { schema?: Schema }> };
  readonly security?: ReadonlyArray<Record<string, unknown>>;
}

export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, RawOperation>>>>;
  readonly components?: { schemas?: Readonly<Record<string, Schema>> };
}

/** One method + path of the API, as the served OpenAPI document describes it. */
export interface Operation {
  /** e.g. `POST /api/v1/orders/{id}/cancel` */
  readonly key: string;
  readonly method: string;
  /** The OpenAPI path template, e.g. `/api/v1/orders/{id}/cancel`. */
  readonly template: string;
  readonly pathParams: readonly Parameter[];
  readonly queryParams: readonly Parameter[];
  readonly headerParams: readonly Parameter[];
  /** The JSON request body schema, `$ref`s resolved. */
  readonly body?: Schema;
  /** No security requirement: callable without credentials. */
  readonly isPublic: boolean;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of the document, in document order. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, raw]) => toOperation(document, template, method.toUpperCase(), raw)),
  );
}

/** Fills `{name}` placeholders with (already encoded) values. */
export function fillPath(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter "${name}" of ${template}`);
    return value;
  });
}

/** Express's form of an OpenAPI path template: `/orders/{id}` -> `/orders/:id`. */
export function toRoutePattern(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}

function toOperation(document: OpenApiDocument, template: string, method: string, raw: RawOperation): Operation {
  const parameters = (raw.parameters ?? []).map((parameter) => ({
    ...parameter,
    schema: resolve(document, parameter.schema),
  }));
  const jsonBody = raw.requestBody?.content?.['application/json']?.schema;
  return {
    key: `${method} ${template}`,
    method,
    template,
    pathParams: parameters.filter((parameter) => parameter.in === 'path'),
    queryParams: parameters.filter((parameter) => parameter.in === 'query'),
    headerParams: parameters.filter((parameter) => parameter.in === 'header'),
    body: jsonBody ? resolve(document, jsonBody) : undefined,
    isPublic: (raw.security ?? []).length === 0,
  };
}

/** The schema with every `$ref` (also nested in properties and items) replaced by its target. */
function resolve(document: OpenApiDocument, schema: Schema, seen: readonly string[] = []): Schema {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (seen.includes(name)) throw new Error(`recursive schema ${name} is not supported by the corpus`);
    const target = document.components?.schemas?.[name];
    if (!target) throw new Error(`unresolvable ${schema.$ref}`);
    return resolve(document, target, [...seen, name]);
  }
  return {
    ...schema,
    items: schema.items ? resolve(document, schema.items, seen) : undefined,
    properties: schema.properties
      ? Object.fromEntries(
          Object.entries(schema.properties).map(([name, property]) => [name, resolve(document, property, seen)]),
        )
      : undefined,
  };
}
