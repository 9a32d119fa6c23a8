// A real `ws` client for the tests: collects every message and waits for the ones asked for.
import WebSocket from "ws";

export interface Msg {
  type: string;
  [k: string]: unknown;
}

export class TestWsClient {
  readonly messages: Msg[] = [];
  closeCode: number | undefined;
  private listeners = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.messages.push(JSON.parse(data.toString()) as Msg);
      for (const l of [...this.listeners]) l();
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      for (const l of [...this.listeners]) l();
    });
  }

  /** Opens `/ws?token=`; rejects with the HTTP status when the upgrade is refused. */
  static connect(baseUrl: string, token?: string): Promise<TestWsClient> {
    const url = `${baseUrl.replace(/^http/, "ws")}/ws${token === undefined ? "" : `?token=${encodeURIComponent(token)}`}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once("open", () => resolve(new TestWsClient(ws)));
      ws.once("unexpected-response", (_req, res) => {
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
        ws.terminate();
      });
      ws.once("error", reject);
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === "string" ? value : JSON.stringify(value));
  }

  /** Resolves with the first message (from index `from`) matching `pred`. */
  waitFor(pred: (m: Msg) => boolean, timeoutMs = 15_000, from = 0): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.slice(from).find(pred);
        if (found) {
          done();
          resolve(found);
        } else if (this.closeCode !== undefined) {
          done();
          reject(new Error(`socket closed (${this.closeCode}) while waiting`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out; got ${JSON.stringify(this.messages).slice(0, 2000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  async connectionId(): Promise<string> {
    const from = this.messages.length;
    this.send({ action: "ping" });
    const pong = await this.waitFor((m) => m.type === "pong", 5000, from);
    return pong.connection_id as string;
  }

  close(): void {
    this.ws.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
