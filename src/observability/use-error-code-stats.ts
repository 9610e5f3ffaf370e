import { channel } from 'node:diagnostics_channel';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Published once per executed operation with errors: `{ client, codes }` (the operator page counts them). */
export const graphqlErrorsChannelName = 'facet:graphql-errors';
const errorsChannel = channel(graphqlErrorsChannelName);

/**
 * The codes of the errors an execution answered with (a refused field, a failed source…), which
 * a 200 status hides from request counts. Listed last among a client's plugins, so it sees the
 * result every other plugin has finished with. Nothing is done when nobody listens.
 */
export function useErrorCodeStats(client: string): Plugin {
  return {
    onExecute() {
      if (!errorsChannel.hasSubscribers) return;
      return {
        onExecuteDone({ result }) {
          const errors = (result as ExecutionResult).errors;
          if (!errors?.length) return;
          const codes = errors.map((e) => String(e.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR'));
          errorsChannel.publish({ client, codes });
        },
      };
    },
  };
}
