import type { Dispatcher, Pool } from 'undici';
import type { SourceDefinition } from '../model.js';
import { createSourceInstances } from '../source-instances.js';
import { isBackendFailure } from '../upstream-errors.js';
import {
  createOriginPool,
  exchange,
  isRetryableHttpFailure,
  type HttpExchange,
  type HttpTransport,
} from './http-transport.js';
import { classifyHttpFailure, UpstreamStatusError } from './rest-failures.js';

interface Origin {
  url: string;
  pool: Pool;
}

const isFailure = (error: unknown) => isBackendFailure(error, classifyHttpFailure);

/**
 * The HTTP transport of a source with several instances (`@source(url: [...])`): one keep-alive
 * pool per instance, round-robin over those not ejected (InstancePool: a breaker per instance).
 * A retryable failure of an idempotent request is tried again on another instance at once. A 5xx
 * answer comes out as an UpstreamStatusError here, since it counts against the instance.
 * `healthCheck`: every instance is also asked `GET path` each interval; a failed check counts
 * like a failed call, and the check is the probe that gives an ejected instance traffic back.
 */
export function createInstancesTransport(
  source: SourceDefinition,
  urls: readonly string[],
  retryMethods: Dispatcher.HttpMethod[],
): HttpTransport {
  const instances = createSourceInstances(
    source,
    urls.map((url) => ({ url, target: { url, pool: createOriginPool(source, url) } })),
  );

  async function sendTo(origin: Origin, request: Dispatcher.RequestOptions): Promise<HttpExchange> {
    const answer = await exchange(source, origin.pool, { ...request, origin: origin.url });
    if (answer.status >= 500) throw new UpstreamStatusError(answer.status, answer.text.slice(0, 200));
    return answer;
  }

  const path = source.healthCheck?.path;
  const timer =
    path !== undefined
      ? setInterval(() => {
          const request = { method: 'GET', path } as const;
          void instances.checkAll(async (origin) => {
            const { status } = await sendTo(origin, request);
            if (status >= 300) throw new UpstreamStatusError(status, 'health check');
          });
        }, source.healthCheck!.intervalMs).unref()
      : undefined;

  return {
    send(request, retry) {
      const idempotent = retry && retryMethods.includes(request.method as Dispatcher.HttpMethod);
      return instances.run((origin) => sendTo(origin, request), {
        isFailure,
        retries: idempotent ? source.retries : 0,
        isRetryable: isRetryableHttpFailure,
      });
    },
    instances: () => instances.statuses(),
    async close() {
      clearInterval(timer);
      await Promise.all(instances.targets().map((origin) => origin.pool.close()));
    },
  };
}
