// Auth state as a tiny external store (read with useSyncExternalStore): the session, the
// reason the person was sent back to sign in, and a timer that ends the session at expiry.

import { clearSession, isExpired, loadSession, type Session, saveSession } from "./session";

export type AuthState =
  | { status: "signed-out"; notice: string | null }
  | { status: "signed-in"; session: Session };

export const EXPIRED_NOTICE = "Your session has expired. Please sign in again.";

export class AuthStore {
  private state: AuthState;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly now: () => number = Date.now,
  ) {
    const s = loadSession(storage, now());
    this.state = s ? { status: "signed-in", session: s } : { status: "signed-out", notice: null };
    this.arm();
  }

  getSnapshot = (): AuthState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  token = (): string | null =>
    this.state.status === "signed-in" ? this.state.session.token : null;

  signIn(session: Session): void {
    saveSession(this.storage, session);
    this.set({ status: "signed-in", session });
  }

  signOut(notice: string | null = null): void {
    clearSession(this.storage);
    this.set({ status: "signed-out", notice });
  }

  /** Called on any 401 from an authenticated request. */
  expire = (): void => {
    if (this.state.status === "signed-in") this.signOut(EXPIRED_NOTICE);
  };

  private set(s: AuthState): void {
    this.state = s;
    this.arm();
    for (const fn of this.listeners) fn();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.state.status !== "signed-in") return;
    const { session } = this.state;
    if (isExpired(session, this.now())) {
      // Defer so constructors and renders never see a state change mid-flight.
      this.timer = setTimeout(this.expire, 0);
    } else if (session.expiresAt !== null) {
      const ms = Math.min(session.expiresAt - this.now() - 5_000, 2 ** 31 - 1);
      this.timer = setTimeout(this.expire, Math.max(0, ms));
    }
  }
}
