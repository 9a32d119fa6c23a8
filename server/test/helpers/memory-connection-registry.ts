// An in-memory ConnectionRegistry for tests that need the port without a database (the
// API Gateway notifier's and the relay's units); production uses db-connection-registry.ts.
import type { ConnectionRegistry } from "../../src/jobs/realtime/connection-registry.js";
import type { PublishTarget } from "../../src/jobs/realtime/notifier.js";

export class MemoryConnectionRegistry implements ConnectionRegistry {
  private readonly owners = new Map<string, string>();
  private readonly subscriptions = new Map<string, Set<string>>();

  async add(connectionId: string, userId: string): Promise<void> {
    this.owners.set(connectionId, userId);
  }

  async remove(connectionId: string): Promise<void> {
    this.owners.delete(connectionId);
    this.subscriptions.delete(connectionId);
  }

  async subscribe(connectionId: string, jobId: string): Promise<void> {
    if (!this.owners.has(connectionId)) return;
    let set = this.subscriptions.get(connectionId);
    if (!set) {
      set = new Set();
      this.subscriptions.set(connectionId, set);
    }
    set.add(jobId);
  }

  async targets(userId: string, target: PublishTarget): Promise<string[]> {
    const everyone = target.connectionId === undefined && target.jobId === undefined;
    const out: string[] = [];
    for (const [id, owner] of this.owners) {
      if (owner !== userId) continue;
      const subscribed =
        target.jobId !== undefined && this.subscriptions.get(id)?.has(target.jobId);
      if (everyone || id === target.connectionId || subscribed) out.push(id);
    }
    return out;
  }
}
