import { basename } from 'node:path';
import type { ProblemList } from '../../config/config-error.js';
import { didYouMean } from '../../config/nearest.js';
import type { SourceDefinition } from '../model.js';
import { loadService, ProtoServiceNotFoundError, type ServiceConstructor } from './load-proto.js';

/**
 * Loads the service of a gRPC source at start-up. A wrong service name is reported against
 * `@source`, a broken proto against the .proto file and line protobufjs names.
 */
export function loadSourceService(def: SourceDefinition, problems: ProblemList): ServiceConstructor | undefined {
  try {
    return loadService(def.protoFile!, def.service!);
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
}
