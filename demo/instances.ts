// Several instances of one demo backend, sharing its data, each with its own call counter; each
// can be killed and started again on the same port (to show the gateway ejecting and re-admitting it).
import { Counter } from './counter.js';
import type { Fault } from './faults.js';
import type { DemoBackend } from './index.js';

export interface DemoInstance extends DemoBackend {
  /** Starts the instance again on its port after close(); its counter keeps counting. */
  restart(): Promise<void>;
}

type StartOn = (port: number, counter: Counter) => Promise<DemoBackend>;

/** An instance started by `startOn` (port 0: ephemeral, then kept for restarts). */
export async function startRestartable(startOn: StartOn, port: number): Promise<DemoInstance> {
  const counter = new Counter();
  let current = await startOn(port, counter);
  const boundPort = Number(new URL(current.address.includes('://') ? current.address : `x://${current.address}`).port);
  let fault: Fault | null = null;
  let latencyMs: number | undefined;
  let closed = false;
  return {
    name: current.name,
    protocol: current.protocol,
    address: current.address,
    calls: counter,
    setFault(f) {
      fault = f;
      current.setFault(f);
    },
    setLatency(ms) {
      latencyMs = ms;
      current.setLatency(ms);
    },
    close() {
      closed = true;
      return current.close();
    },
    async restart() {
      if (!closed) return;
      current = await startOn(boundPort, counter);
      closed = false;
      current.setFault(fault);
      if (latencyMs !== undefined) current.setLatency(latencyMs);
    },
  };
}
