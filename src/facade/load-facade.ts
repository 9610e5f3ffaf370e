import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  Kind,
  parse,
  print,
  validate,
  visit,
  valueFromASTUntyped,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type GraphQLError,
} from 'graphql';
import type { ProblemList } from '../config/config-error.js';
import { readYamlFile } from '../config/yaml-file.js';
import type { RestEndpoint, RestFacade, RestVersion, VersionShape } from './model.js';
import { describeParameters } from './parameters.js';
import { restMethods, restOptionArguments } from './rest-directive.js';

const versionFileSchema = z.strictObject({
  naming: z.enum(['snake_case', 'camelCase']).default('camelCase'),
  money: z.enum(['cents', 'object']).default('cents'),
  deprecated: z.boolean().default(false),
  sunset: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2027-06-30')
    .optional(),
  successor: z
    .string()
    .regex(/^v\d+$/)
    .optional(),
});
const facadeFileSchema = z.strictObject({
  defaultVersion: z
    .string()
    .regex(/^v\d+$/)
    .optional(),
});

const methods = restMethods;

/**
 * Reads clients/<client>/rest/: one folder per version (v1, v2, …), each holding version.yaml
 * and one .graphql operation per endpoint, annotated `@rest(GET: "/orders/{id}")`. Operations
 * are validated against the client's schema here, once; problems carry file and line.
 */
export function loadFacade(
  client: string,
  clientDir: string,
  schema: GraphQLSchema,
  problems: ProblemList,
  env: Readonly<Record<string, string | undefined>>,
): RestFacade | undefined {
  const restDir = join(clientDir, 'rest');
  if (!existsSync(restDir)) return undefined;
  const display = (f: string) => problems.display(f);
  const facadeFile = join(restDir, 'rest.yaml');
  const facadeOptions = existsSync(facadeFile)
    ? readYamlFile(display(facadeFile), readFileSync(facadeFile, 'utf8'), facadeFileSchema, problems, env)
    : {};
  const versions = new Map<string, RestVersion>();
  for (const name of readdirSync(restDir)
    .filter((d) => statSync(join(restDir, d)).isDirectory())
    .sort(byVersion)) {
    const dir = join(restDir, name);
    if (!/^v\d+$/.test(name)) {
      problems.add({ file: display(dir), message: 'version folders are named v1, v2, …' });
      continue;
    }
    const versionFile = join(dir, 'version.yaml');
    const options = existsSync(versionFile)
      ? readYamlFile(display(versionFile), readFileSync(versionFile, 'utf8'), versionFileSchema, problems, env)
      : versionFileSchema.parse({});
    if (!options) continue;
    const endpoints: RestEndpoint[] = [];
    const shape: VersionShape = { naming: options.naming, money: options.money };
    for (const fileName of readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .sort()) {
      const endpoint = readEndpoint(
        client,
        name,
        shape,
        display(join(dir, fileName)),
        readFileSync(join(dir, fileName), 'utf8'),
        schema,
        problems,
      );
      if (endpoint) endpoints.push(endpoint);
    }
    // a static segment wins over a parameter: /products/search before /products/{id}
    endpoints.sort((a, b) => a.pathParams.length - b.pathParams.length || b.path.length - a.path.length);
    for (const [i, a] of endpoints.entries()) {
      for (const b of endpoints.slice(i + 1)) {
        if (a.method === b.method && a.path.replace(/\{[^}]+\}/g, '{}') === b.path.replace(/\{[^}]+\}/g, '{}')) {
          problems.add({
            file: b.file,
            line: b.line,
            message: `${b.method} ${b.path} collides with ${a.method} ${a.path} in ${a.file}`,
          });
        }
      }
    }
    versions.set(name, {
      name,
      shape,
      deprecated: options.deprecated,
      sunset: options.sunset,
      successor: options.successor,
      endpoints,
    });
  }
  for (const version of versions.values()) {
    if (version.successor && !versions.has(version.successor))
      problems.add({
        file: display(join(restDir, version.name, 'version.yaml')),
        path: 'successor',
        message: `successor ${version.successor} does not exist`,
      });
  }
  const defaultVersion =
    facadeOptions?.defaultVersion ??
    [...versions.keys()].filter((v) => !versions.get(v)!.deprecated).pop() ??
    [...versions.keys()].pop();
  if (!defaultVersion || !versions.has(defaultVersion)) {
    problems.add({
      file: display(facadeFile),
      path: 'defaultVersion',
      message: `default version ${defaultVersion ?? '(none)'} does not exist`,
    });
    return undefined;
  }
  return { client, defaultVersion, versions };
}

function byVersion(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b);
}

function readEndpoint(
  client: string,
  version: string,
  shape: VersionShape,
  file: string,
  text: string,
  schema: GraphQLSchema,
  problems: ProblemList,
): RestEndpoint | undefined {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    const e = error as GraphQLError;
    problems.add({ file, line: e.locations?.[0]?.line, message: `malformed operation: ${e.message}` });
    return undefined;
  }
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1) {
    problems.add({ file, message: 'each endpoint file holds exactly one operation' });
    return undefined;
  }
  const operation = operations[0]!;
  const line = operation.loc?.startToken.line;
  const rest = operation.directives?.find((d) => d.name.value === 'rest');
  if (!rest) {
    problems.add({ file, line, message: 'annotate the operation with @rest(GET: "/path/{param}")' });
    return undefined;
  }
  const args = Object.fromEntries((rest.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
  const method = methods.find((m) => typeof args[m] === 'string');
  const unknown = Object.keys(args).filter(
    (k) => !(methods as readonly string[]).includes(k) && !(restOptionArguments as readonly string[]).includes(k),
  );
  if (unknown.length) problems.add({ file, line, message: `@rest has no argument ${unknown.join(', ')}` });
  if (!method || methods.filter((m) => args[m] !== undefined).length !== 1) {
    problems.add({ file, line, message: '@rest needs exactly one of GET, POST, PUT, PATCH, DELETE with a path' });
    return undefined;
  }
  const path = String(args[method]);
  if (!/^\/[A-Za-z0-9_\-/{}.]*$/.test(path)) {
    problems.add({
      file,
      line,
      message: `path "${path}" must start with / and hold only letters, digits, -_./ and {param}`,
    });
    return undefined;
  }

  const stripped = visit(document, { Directive: (node) => (node.name.value === 'rest' ? null : undefined) });
  const errors = validate(schema, stripped);
  for (const error of errors)
    problems.add({
      file,
      line: error.locations?.[0]?.line,
      message: `operation is not valid for the ${client} schema: ${error.message}`,
    });

  const variables = new Set((operation.variableDefinitions ?? []).map((v) => v.variable.name.value));
  const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  for (const param of pathParams)
    if (!variables.has(param))
      problems.add({ file, line, message: `path ${path} uses {${param}} but the operation has no variable $${param}` });
  const cursorVariable = typeof args['cursor'] === 'string' ? args['cursor'] : undefined;
  if (cursorVariable && !variables.has(cursorVariable))
    problems.add({ file, line, message: `@rest cursor "${cursorVariable}" is not a variable of the operation` });
  if ((cursorVariable === undefined) !== (args['nextCursor'] === undefined))
    problems.add({
      file,
      line,
      message: '@rest pagination needs both nextCursor: "<data path>" and cursor: "<variable>"',
    });
  if (errors.length || problems.items.some((p) => p.file === file)) return undefined;

  const pattern = new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '([^/]+)')}$`);
  const rootField = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  const executed = stripped.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const query = print(stripped);
  const result =
    typeof args['result'] === 'string'
      ? args['result'].split('.')
      : rootField && rootField.kind === Kind.FIELD
        ? [rootField.alias?.value ?? rootField.name.value]
        : [];
  return {
    version,
    method,
    path,
    pattern,
    pathParams,
    parameters: describeParameters(schema, executed, method, pathParams, shape),
    query,
    document: parse(query), // from the executed text, so error locations point into it
    operation: executed,
    result,
    nextCursor: typeof args['nextCursor'] === 'string' ? args['nextCursor'].split('.') : undefined,
    cursorVariable,
    location: typeof args['location'] === 'string' ? args['location'] : undefined,
    summary: typeof args['summary'] === 'string' ? args['summary'] : operation.name?.value,
    file,
    line,
  };
}
