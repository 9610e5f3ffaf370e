import { relative } from 'node:path';
import type { LiveStats } from '../observability/live-stats.js';
import type { BuiltGateway } from './build-gateway.js';

/** When the serving build was loaded, and the last reload that was refused (cleared by a good one). */
export interface BuildInfo {
  loadedAt: number;
  reloadError?: { at: number; message: string };
}

/**
 * What the operator page shows: per source (and instance) its health, breaker and live figures;
 * per client its live figures; the build that is serving. Instance URLs lose any credentials.
 */
export function adminStatus(built: BuiltGateway, live: LiveStats, info: BuildInfo) {
  const now = Date.now();
  const dir = built.config.dir;
  const sources = built.sources.map((source) => {
    const instances = source.runtime.instances().map((i) => ({ ...i, url: withoutCredentials(i.url) }));
    const figures = live.source(source.name, now);
    const breaker = source.breaker.state;
    const health =
      breaker === 'open' || !instances.some((i) => i.healthy)
        ? 'down'
        : instances.some((i) => !i.healthy) || figures.errorRate > 0
          ? 'degraded'
          : 'up';
    return { name: source.name, protocol: source.definition.protocol, health, breaker, instances, ...figures };
  });
  const clients = built.clients.map((client) => ({
    name: client.definition.name,
    endpoint: client.definition.endpoint,
    ...live.client(client.definition.name, now),
  }));
  const files = [
    ...built.config.sources.map((s) => s.file),
    ...built.config.clients.flatMap((c) => [c.schemaFile, c.optionsFile]),
  ].map((file) => relative(dir, file) || file);
  return {
    build: { loadedAt: new Date(info.loadedAt).toISOString(), files, reloadError: reloadErrorOf(info) },
    sources,
    clients,
  };
}

function reloadErrorOf(info: BuildInfo) {
  return info.reloadError && { at: new Date(info.reloadError.at).toISOString(), message: info.reloadError.message };
}

function withoutCredentials(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^/@]*@/i, '$1');
}
