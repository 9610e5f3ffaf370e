import DataLoader from 'dataloader';
import { basename } from 'node:path';
import {
  buildASTSchema,
  concatAST,
  getNamedType,
  isListType,
  isNonNullType,
  parse,
  validateSchema,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  GraphQLObjectType,
} from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import { addResolversToSchema } from '@graphql-tools/schema';
import type { MergedTypeConfig, SubschemaConfig } from '@graphql-tools/delegate';
import type { ProblemList } from '../config/config-error.js';
import { CircuitBreaker } from '../resilience/index.js';
import type { FieldBinding, SourceDefinition, EntityKey } from './model.js';
import type { SourceCallContext } from './call-context.js';
import { readPath, splitPath, type TemplateScope } from './template.js';
import { checkRootTemplates } from './check-root-templates.js';
import { protoMessageFields } from './grpc/proto-messages.js';
import {
  batchLookup,
  checkSameSourceRef,
  EntityLookups,
  payloadNameOf,
  refResolver,
  singleLookup,
  type EntityLookup,
} from './entity-refs.js';
import { getLoader, stableStringify } from './loaders.js';
import { coalescingSchedule, trackCall } from './coalesce.js';
import { chargeUpstreamCall } from './call-budget.js';
import { isBackendFailure, toUpstreamError, UpstreamBadResponseError } from './upstream-errors.js';
import { publishCircuitState, publishUpstreamCall } from './upstream-events.js';
import { createGatewayError, errorCodeOf } from '../errors/index.js';
import { createHttpClient } from './rest/http-client.js';
import {
  compileHttpCall,
  EmptyPathSegmentError,
  type CompiledCall,
  type PreparedCall,
} from './rest/compile-http-call.js';
import { loadService, methodNames, ProtoServiceNotFoundError, type ServiceConstructor } from './grpc/load-proto.js';
import { didYouMean } from '../config/nearest.js';
import { createGrpcClient } from './grpc/grpc-client.js';
import { compileGrpcCall } from './grpc/compile-grpc-call.js';

export interface BuiltSource {
  name: string;
  definition: SourceDefinition;
  subschema: SubschemaConfig;
  breaker: CircuitBreaker;
  close(): Promise<void>;
}

/** Prefix of the local lookup fields generated for entities a source extends but cannot look up. */
export const stubLookupPrefix = '_facet_';

type Resolvers = Record<string, Record<string, GraphQLFieldResolver<unknown, SourceCallContext>>>;

/**
 * Turns a source definition into an executable subschema for stitching: resolvers that call the
 * backend (through per-request DataLoaders, the circuit breaker and the client's retry/timeout),
 * renames, entity references, and the type-merging config. Runs once at start-up (and on reload).
 */
export function buildSource(
  def: SourceDefinition,
  problems: ProblemList,
  entityLookups = new EntityLookups(),
): BuiltSource | undefined {
  const before = problems.items.length;
  const at = (line: number | undefined, path: string, message: string) =>
    problems.add({ file: def.file, line, path, message });

  for (const error of validateSDL(def.document)) at(error.locations?.[0]?.line, '', error.message);
  if (problems.items.length > before) return undefined;
  let schema = buildASTSchema(def.document, { assumeValidSDL: true });

  // Entities this source extends without a lookup of its own get a local stub lookup: the
  // gateway hands it the keys, it returns `{ key }` objects, and the source's fields resolve from there.
  const lookups = new Map<string, FieldBinding>();
  for (const binding of def.bindings) {
    if (!binding.lookup) continue;
    const field = schema.getQueryType()?.getFields()[binding.fieldName];
    if (field) lookups.set(getNamedType(field.type).name, binding);
  }
  const stubs = def.entities.filter((e) => !lookups.has(e.typeName));
  if (stubs.length) {
    const fields = stubs.map((e) => {
      const keyType = (schema.getType(e.typeName) as GraphQLObjectType).getFields()[e.field]!.type;
      return `${stubLookupPrefix}${e.typeName}(keys: [${getNamedType(keyType).name}!]!): [${e.typeName}]!`;
    });
    const extra = `${schema.getQueryType() ? 'extend type' : 'type'} Query {\n  ${fields.join('\n  ')}\n}`;
    schema = buildASTSchema(concatAST([def.document, parse(extra)]), { assumeValidSDL: true });
  }
  for (const error of validateSchema(schema)) at(error.locations?.[0]?.line, '', error.message);
  for (const entity of def.entities) {
    if (!(schema.getType(entity.typeName) instanceof GraphQLObjectType))
      at(entity.line, entity.typeName, '@key goes on object types');
  }
  if (problems.items.length > before) return undefined;

  // --- transport ---------------------------------------------------------------------------------
  let compile: (binding: FieldBinding) => CompiledCall | undefined;
  let close: () => Promise<void>;
  let protoMessages: Map<string, Set<string>> | undefined;
  if (def.protocol === 'REST') {
    const client = createHttpClient(def);
    compile = (b) => {
      if (b.call?.kind === 'http') return compileHttpCall(b.call, client);
      at(b.line, `${b.typeName}.${b.fieldName}`, 'REST sources use @http, not @grpc');
      return undefined;
    };
    close = () => client.close();
  } else {
    let Service: ServiceConstructor;
    try {
      Service = loadService(def.protoFile!, def.service!);
    } catch (error) {
      // a wrong service name is a mistake in @source, not in the proto
      if (error instanceof ProtoServiceNotFoundError) {
        problems.add({
          file: def.file,
          line: def.sourceLine,
          path: 'schema @source',
          message: `service "${error.serviceName}" is not defined in ${def.protoFile ? basename(def.protoFile) : 'the proto'}${didYouMean(error.serviceName, error.services)}${error.services.length ? ` (services: ${error.services.join(', ')})` : ''}`,
        });
        return undefined;
      }
      // protobufjs says "… (/abs/path/x.proto, line 29)": report it against the .proto itself
      // (shown relative to the configuration folder by the problem list)
      const message = (error as Error).message;
      const where = /\(([^,()]+\.proto), line (\d+)\)/.exec(message);
      problems.add({
        file: where?.[1] ?? def.protoFile!,
        line: where ? Number(where[2]) : undefined,
        message: `cannot load the proto for source ${def.name}: ${message.replace(/\s*\([^()]*, line \d+\)/, '')}`,
      });
      return undefined;
    }
    const rpcs = new Set(methodNames(Service));
    protoMessages = protoMessageFields(def.protoFile!);
    const writes = new Set(
      def.bindings
        .filter((b) => b.typeName === 'Mutation' && b.call?.kind === 'grpc')
        .map((b) => (b.call as { method: string }).method),
    );
    const client = createGrpcClient(def, Service, { nonIdempotentMethods: writes });
    compile = (b) => {
      if (b.call?.kind !== 'grpc') {
        at(b.line, `${b.typeName}.${b.fieldName}`, 'gRPC sources use @grpc, not @http');
        return undefined;
      }
      if (!rpcs.has(b.call.method)) {
        at(
          b.line,
          `${b.typeName}.${b.fieldName}`,
          `rpc "${b.call.method}" is not in service ${def.service} (has: ${[...rpcs].join(', ')})`,
        );
        return undefined;
      }
      return compileGrpcCall(b.call, client);
    };
    close = async () => client.close();
  }

  const breaker = new CircuitBreaker({ onStateChange: (state) => publishCircuitState({ source: def.name, state }) });
  const resolvers: Resolvers = {};
  const setResolver = (
    typeName: string,
    fieldName: string,
    resolve: GraphQLFieldResolver<unknown, SourceCallContext>,
  ) => {
    resolvers[typeName] ??= {};
    resolvers[typeName]![fieldName] = resolve;
  };

  // this source's entity lookups, by type name: what its own @ref fields resolve through
  const ownLookups = new Map<string, EntityLookup>();
  for (const binding of def.bindings) {
    const path = `${binding.typeName}.${binding.fieldName}`;
    const type = schema.getType(binding.typeName);
    const field = type instanceof GraphQLObjectType ? type.getFields()[binding.fieldName] : undefined;
    if (!field) {
      at(binding.line, path, `field ${path} is not defined`);
      continue;
    }
    if (binding.call) {
      const compiled = compile(binding);
      if (!compiled) continue;
      const operation = `${path}`;
      if (binding.batch) {
        if (!isListType(isNonNullType(field.type) ? field.type.ofType : field.type)) continue;
        const loaderOf = batchLoaderOf(def, binding, operation, compiled, breaker);
        setResolver(binding.typeName, binding.fieldName, batchResolver(binding, loaderOf));
        if (binding.lookup)
          ownLookups.set(getNamedType(field.type).name, batchLookup(def.name, field, binding.batch.arg, loaderOf));
      } else {
        const resolve = callResolver(def, operation, compiled, breaker);
        setResolver(binding.typeName, binding.fieldName, resolve);
        const lookup = binding.lookup ? singleLookup(def.name, field, resolve) : undefined;
        if (lookup) ownLookups.set(getNamedType(field.type).name, lookup);
      }
    } else if (binding.ref) {
      setResolver(
        binding.typeName,
        binding.fieldName,
        refResolver(def, binding, field.type, ownLookups, entityLookups, at),
      );
    } else if (binding.mapFrom) {
      const from = splitPath(binding.mapFrom);
      setResolver(binding.typeName, binding.fieldName, (parent) => readPath(parent, from));
    }
  }

  for (const binding of def.bindings) {
    const field = binding.ref
      ? (schema.getType(binding.typeName) as GraphQLObjectType | undefined)?.getFields()[binding.fieldName]
      : undefined;
    if (field) checkSameSourceRef(def, binding, field.type, ownLookups, at);
  }
  checkRootTemplates(
    def,
    schema,
    (line, path, message) => problems.warn({ file: def.file, line, path, message }),
    protoMessages,
  );
  if (def.protocol === 'GRPC') addProto3Presence(schema, resolvers, def);

  const merge: Record<string, MergedTypeConfig> = {};
  for (const entity of def.entities) {
    const payloadKey = payloadNameOf(def, entity);
    const config = mergeConfigFor(entity, lookups.get(entity.typeName), schema, at);
    if (config) merge[entity.typeName] = config;
    if (!lookups.has(entity.typeName)) {
      setResolver('Query', `${stubLookupPrefix}${entity.typeName}`, (_root, args) =>
        (args['keys'] as unknown[]).map((key) => ({ [payloadKey]: key })),
      );
    }
  }
  if (problems.items.length > before) {
    void close();
    return undefined;
  }
  for (const [typeName, lookup] of ownLookups) entityLookups.add(typeName, lookup);

  const executable = addResolversToSchema({ schema, resolvers: resolvers as never, updateResolversInPlace: false });
  return {
    name: def.name,
    definition: def,
    subschema: { schema: executable, merge, batch: false, name: def.name } as SubschemaConfig,
    breaker,
    close,
  };
}

/**
 * proto3 cannot tell an unset string from an empty one (both arrive as ""). For nullable
 * String/ID fields of gRPC sources, "" therefore reads as null — the GraphQL meaning of "no
 * value" (e.g. `nextCursor` on the last page).
 */
function addProto3Presence(schema: GraphQLSchema, resolvers: Resolvers, def: SourceDefinition): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (
      !(type instanceof GraphQLObjectType) ||
      type.name.startsWith('__') ||
      type === schema.getQueryType() ||
      type === schema.getMutationType()
    )
      continue;
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) || resolvers[type.name]?.[field.name]) continue;
      const named = getNamedType(field.type).name;
      if (named !== 'String' && named !== 'ID') continue;
      const from = splitPath(
        def.bindings.find((b) => b.typeName === type.name && b.fieldName === field.name)?.mapFrom ?? field.name,
      );
      resolvers[type.name] ??= {};
      resolvers[type.name]![field.name] = (parent) => {
        const value = readPath(parent, from);
        return value === '' ? null : value;
      };
    }
  }
}

function mergeConfigFor(
  entity: EntityKey,
  lookup: FieldBinding | undefined,
  schema: GraphQLSchema,
  at: (line: number | undefined, path: string, m: string) => void,
): MergedTypeConfig | undefined {
  const selectionSet = `{ ${entity.field} }`;
  const keyOf = (obj: Record<string, unknown>) => obj[entity.field];
  if (!lookup) {
    const fieldName = `${stubLookupPrefix}${entity.typeName}`;
    return { selectionSet, fieldName, key: keyOf, argsFromKeys: (keys) => ({ keys }) };
  }
  if (lookup.batch) {
    const arg = lookup.batch.arg;
    return { selectionSet, fieldName: lookup.fieldName, key: keyOf, argsFromKeys: (keys) => ({ [arg]: keys }) };
  }
  const args = schema.getQueryType()!.getFields()[lookup.fieldName]!.args;
  const required = args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  if (required.length !== 1) {
    at(
      lookup.line,
      `Query.${lookup.fieldName}`,
      '@lookup fields take exactly one required argument (the key) or use @batch',
    );
    return undefined;
  }
  const argName = required[0]!.name;
  return { selectionSet, fieldName: lookup.fieldName, args: (obj) => ({ [argName]: keyOf(obj) }) };
}

async function runCall(
  def: SourceDefinition,
  operation: string,
  breaker: CircuitBreaker,
  run: () => Promise<unknown>,
  batchSize: number,
  context: SourceCallContext,
  request?: PreparedCall,
): Promise<unknown> {
  chargeUpstreamCall(context, def.name);
  const started = performance.now();
  const requestId = context.requestId;
  try {
    const result = await trackCall(context, () => breaker.run(run, isBackendFailure));
    publishUpstreamCall({
      source: def.name,
      operation,
      durationMs: performance.now() - started,
      outcome: 'ok',
      batchSize,
      requestId,
    });
    return result;
  } catch (error) {
    const coded = toUpstreamError(def.name, error);
    const detail =
      error instanceof Error
        ? `${error.name}: ${error.message}${(error as { detail?: string }).detail ? ` — ${(error as { detail?: string }).detail}` : ''}`
        : String(error);
    const upstreamStatus = coded.extensions['upstreamStatus'] as number | undefined;
    publishUpstreamCall({
      source: def.name,
      operation,
      durationMs: performance.now() - started,
      outcome: errorCodeOf(coded) ?? 'error',
      batchSize,
      requestId,
      detail,
      method: request?.method,
      path: request?.path,
      upstreamStatus,
    });
    throw coded;
  }
}

/**
 * Builds a call's request. One that cannot be built (an empty path value) fails here, before the
 * breaker, the call budget and any I/O, so it never counts against the source's circuit; it is
 * logged like a failed call, saying what was empty.
 */
function prepareCall(
  def: SourceDefinition,
  operation: string,
  compiled: CompiledCall,
  scope: TemplateScope,
  context: SourceCallContext,
): PreparedCall {
  try {
    return compiled.prepare(scope, context.upstreamHeaders);
  } catch (error) {
    if (!(error instanceof EmptyPathSegmentError)) throw error;
    publishUpstreamCall({
      source: def.name,
      operation,
      durationMs: 0,
      outcome: 'SOURCE_CALL_INVALID',
      batchSize: 0,
      requestId: context.requestId,
      detail: error.message,
      method: error.method,
    });
    throw createGatewayError('SOURCE_CALL_INVALID', { source: def.name });
  }
}

function scopeOf(root: unknown, args: Record<string, unknown>, context: SourceCallContext): TemplateScope {
  return { root, args, identity: context.identity };
}

/**
 * A plain call. Identical upstream requests within one request (same signature: method, path,
 * query, body, call headers) are sent once and their raw answer is shared; each field then reads
 * its own part of it, so two fields on one URL with different `result` paths each get their own value.
 */
function callResolver(
  def: SourceDefinition,
  operation: string,
  compiled: CompiledCall,
  breaker: CircuitBreaker,
): GraphQLFieldResolver<unknown, SourceCallContext> {
  type Pending = PreparedCall & { operation: string; context: SourceCallContext };
  const loaderKey = `${def.name}:calls`;
  const createLoader = () =>
    new DataLoader<Pending, unknown, string>(
      (calls) =>
        Promise.all(
          calls.map((call) =>
            runCall(def, call.operation, breaker, call.send, 0, call.context, call).catch((error: Error) => error),
          ),
        ),
      { batch: false, cacheKeyFn: (call) => call.signature },
    );
  return (root, args, context) => {
    const prepared = prepareCall(def, operation, compiled, scopeOf(root, args, context), context);
    return getLoader(context, loaderKey, createLoader)
      .load({ ...prepared, operation, context })
      .then(compiled.extract);
  };
}

/** A batch call: the keys asked for across one request go upstream once, deduplicated, matched back by key. */
function batchResolver(
  binding: FieldBinding,
  loaderOf: BatchLoaderOf,
): GraphQLFieldResolver<unknown, SourceCallContext> {
  const { arg } = binding.batch!;
  return (_root, args, context) => {
    const keys = args[arg];
    if (!Array.isArray(keys) || keys.length === 0) return [];
    const rest = { ...args };
    delete rest[arg];
    return loaderOf(context, rest)
      .loadMany(keys)
      .then((results) => {
        const failed = results.find((r) => r instanceof Error);
        if (failed) throw failed;
        return results;
      });
  };
}

type BatchLoaderOf = (
  context: SourceCallContext,
  rest: Record<string, unknown>,
) => DataLoader<unknown, unknown, string>;

/** The request's loader of a batch field for the other arguments `rest` (batch calls never read {root.…}). */
function batchLoaderOf(
  def: SourceDefinition,
  binding: FieldBinding,
  operation: string,
  compiled: CompiledCall,
  breaker: CircuitBreaker,
): BatchLoaderOf {
  const { arg, key, maxSize } = binding.batch!;
  return (context, rest) =>
    getLoader(
      context,
      `${def.name}:${operation}:${stableStringify(rest)}`,
      () =>
        new DataLoader<unknown, unknown, string>(
          async (batchKeys) => {
            const prepared = prepareCall(
              def,
              operation,
              compiled,
              scopeOf(undefined, { ...rest, [arg]: batchKeys }, context),
              context,
            );
            const payload = await runCall(
              def,
              operation,
              breaker,
              async () => {
                const items = compiled.extract(await prepared.send());
                if (items !== null && !Array.isArray(items))
                  throw new UpstreamBadResponseError(`${operation}: expected a list`);
                return items;
              },
              batchKeys.length,
              context,
              prepared,
            );
            const byKey = new Map<string, unknown>();
            for (const item of (payload as unknown[] | null) ?? []) {
              const k = (item as Record<string, unknown> | null)?.[key];
              if (k !== undefined && k !== null) byKey.set(String(k), item);
            }
            return batchKeys.map((k) => byKey.get(String(k)) ?? null);
          },
          { maxBatchSize: maxSize, cacheKeyFn: (k) => String(k), batchScheduleFn: coalescingSchedule(context) },
        ),
    );
}
