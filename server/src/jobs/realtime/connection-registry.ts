// Which API Gateway WebSocket connection belongs to which user, and what it follows.
// In AWS the $connect/$disconnect handlers fill it; the in-memory version serves one
// process (and the tests). A multi-instance deployment backs this port with a table.
import type { PublishTarget } from "./notifier.js";

/** Who a WebSocket connection belongs to, shared by every process (db-connection-registry.ts). */
export interface ConnectionBindings {
  /** Records a connection opened with a token as the user's. */
  add(connectionId: string, userId: string): Promise<void>;
  /**
   * Binds a connection to the user (a token-less one, named by the user's POST); false when
   * it belongs to another user, who keeps it.
   */
  claim(connectionId: string, userId: string): Promise<boolean>;
  remove(connectionId: string): Promise<void>;
}

export interface ConnectionRegistry {
  add(connectionId: string, userId: string): Promise<void>;
  remove(connectionId: string): Promise<void>;
  subscribe(connectionId: string, jobId: string): Promise<void>;
  /** The user's connections matching the target (all of them when it is empty). */
  targets(userId: string, target: PublishTarget): Promise<string[]>;
}

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
