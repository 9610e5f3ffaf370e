/** What the primary sends its workers over the cluster IPC channel. */
export const shutdownMessage = { type: 'facet:shutdown' } as const;

export function isShutdownMessage(message: unknown): boolean {
  return (message as { type?: unknown } | null)?.type === shutdownMessage.type;
}
