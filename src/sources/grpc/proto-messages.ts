import * as protoLoader from '@grpc/proto-loader';
import { dirname } from 'node:path';
import { protoLoaderOptions } from './load-proto.js';

/**
 * The payload field names of each message of a .proto (proto3 JSON names, as the gateway reads
 * them), by simple message name (`OrderItem`). Read at load time for the template checks.
 */
export function protoMessageFields(protoFile: string): Map<string, Set<string>> {
  const definition = protoLoader.loadSync(protoFile, { ...protoLoaderOptions, includeDirs: [dirname(protoFile)] });
  const messages = new Map<string, Set<string>>();
  for (const [name, value] of Object.entries(definition)) {
    const fields = (value as { type?: { field?: Array<{ name: string }> } }).type?.field;
    if (!('format' in value) || !fields) continue;
    const simple = name.slice(name.lastIndexOf('.') + 1);
    const known = messages.get(simple) ?? new Set<string>();
    for (const field of fields) known.add(field.name);
    messages.set(simple, known);
  }
  return messages;
}
