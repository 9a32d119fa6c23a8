// Remembers, per person, which snippet was open (or the unsaved draft) so a reload puts them
// back where they were. Cleared on sign-out so a shared browser keeps nothing behind.

export interface WorkspaceMemory {
  owner: string;
  openId: string | null;
  draft: string | null;
}

export const MEMORY_KEY = "code-remote.workspace";

export function loadMemory(storage: Storage, owner: string): WorkspaceMemory | null {
  try {
    const m = JSON.parse(storage.getItem(MEMORY_KEY) ?? "null") as WorkspaceMemory | null;
    return m && m.owner === owner ? m : null;
  } catch {
    return null;
  }
}

export function saveMemory(storage: Storage, m: WorkspaceMemory): void {
  try {
    storage.setItem(MEMORY_KEY, JSON.stringify(m));
  } catch {
    /* storage full or disabled: remembering is best-effort */
  }
}

export function clearMemory(storage: Storage): void {
  storage.removeItem(MEMORY_KEY);
}
