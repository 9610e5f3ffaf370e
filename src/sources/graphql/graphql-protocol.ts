import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Kind, print, type ObjectTypeDefinitionNode } from 'graphql';
import type { GraphqlCall } from '../model.js';
import type { SourceProtocol } from '../protocol.js';
import { classifyHttpFailure } from '../rest/rest-failures.js';
import { httpUrlOf } from '../rest/http-transport.js';
import { compileEntitiesCall, compileRootCall, type ArgumentTypes } from './compile-graphql-call.js';
import { createGraphqlClient, type GraphqlClient } from './graphql-client.js';
import { SubgraphErrorsError } from './subgraph-answer.js';

type Client = GraphqlClient & { source: string; argumentsOf(typeName: string, fieldName: string): ArgumentTypes };

/**
 * GraphQL services and Apollo Federation v2 subgraphs: `@source(protocol: GRAPHQL, url:
 * "http://host:port/graphql", sdl: "subgraphs/reviews.graphql")`. No call directives: its root
 * fields are its calls and its `@key` entities are fetched through `_entities`, with the client's
 * selection pushed down.
 */
export const graphqlProtocol: SourceProtocol<Client> = {
  name: 'GRAPHQL',
  label: 'GraphQL',
  callKind: 'graphql',
  checkUrl: (url) => (httpUrlOf(url) ? undefined : `url "${url}" is not an http(s) URL of a GraphQL endpoint`),
  readSourceArguments(args, file, report) {
    for (const name of ['proto', 'service'])
      if (args[name] !== undefined) report(`${name} is for GRPC sources; a GRAPHQL source takes sdl: "<file>.graphql"`);
    const sdl = args['sdl'];
    if (sdl === undefined) return {};
    // the running service's own SDL, asked at load (see parse-source)
    if (sdl === 'service') return { sdlFromService: true };
    if (typeof sdl !== 'string' || !sdl) {
      report('sdl must name a file: sdl: "subgraphs/<name>.graphql"');
      return {};
    }
    const sdlFile = isAbsolute(sdl) ? sdl : resolve(dirname(file), sdl);
    if (!existsSync(sdlFile)) report(`sdl file "${sdl}" not found (looked at ${sdlFile})`);
    return { sdlFile };
  },
  templatesOf: () => [],
  createClient(def) {
    const argumentTypes = new Map<string, ArgumentTypes>();
    for (const node of def.document.definitions) {
      if (node.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      for (const field of (node as ObjectTypeDefinitionNode).fields ?? [])
        argumentTypes.set(
          `${node.name.value}.${field.name.value}`,
          (field.arguments ?? []).map((a) => [a.name.value, print(a.type)] as const),
        );
    }
    return {
      ...createGraphqlClient(def),
      source: def.name,
      argumentsOf: (typeName, fieldName) => argumentTypes.get(`${typeName}.${fieldName}`) ?? [],
    };
  },
  compile: (binding, client) =>
    compileRootCall(
      binding.call as GraphqlCall,
      client.argumentsOf(binding.typeName, binding.fieldName),
      client,
      client.source,
    ),
  compileEntities: (typeName, client) => compileEntitiesCall(typeName, client, client.source),
  classifyFailure(error) {
    if (error instanceof SubgraphErrorsError) return { code: 'UPSTREAM_ERROR', backendFailure: false };
    return classifyHttpFailure(error);
  },
};
