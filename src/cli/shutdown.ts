/** Graceful shutdown on SIGINT/SIGTERM: stop accepting, drain in-flight requests, then exit. A second signal exits at once. */
export function installShutdownHandlers(close: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: draining and shutting down`);
    close().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
