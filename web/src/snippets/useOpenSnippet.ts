// The snippet open in the editor: the editor's code, debounced autosave (PUT) of the open
// snippet, create, rename/describe, star, delete, and remembering it across reloads.

import { useCallback, useEffect, useRef, useState } from "react";
import { messageOf } from "../api/errors";
import type { Api, SnippetPatch } from "../api/http";
import type { Snippet, SnippetSummary } from "../api/types";
import { loadMemory, saveMemory } from "../workspace-memory";

export const AUTOSAVE_MS = 800;
export type SaveStatus = "idle" | "dirty" | "saving" | "saved" | "error";

interface ListOps {
  upsert: (s: SnippetSummary) => void;
  remove: (id: string) => void;
}

export function useOpenSnippet(api: Api, list: ListOps, owner: string, sample: string) {
  const [memory] = useState(() => loadMemory(window.localStorage, owner));
  const [code, setCode] = useState(() => (memory?.openId ? "" : (memory?.draft ?? sample)));
  const [open, setOpen] = useState<Snippet | null>(null);
  // A remembered snippet is fetched on mount: until it arrives the editor is read-only, so
  // nothing typed in the meantime is overwritten by the restore.
  const [opening, setOpening] = useState(() => Boolean(memory?.openId));
  const [saveStatus, setSaveStatus] = useState<SaveStatus>("idle");
  const [error, setError] = useState<string | null>(null);
  const savedCode = useRef<string | null>(null);
  const codeRef = useRef(code);
  codeRef.current = code;
  const { upsert, remove } = list;

  const fail = useCallback((err: unknown) => {
    setSaveStatus("error");
    setError(messageOf(err));
  }, []);

  const adopt = useCallback(
    (s: Snippet) => {
      setOpen(s);
      upsert(s);
    },
    [upsert],
  );

  const persistCode = useCallback(async () => {
    if (!open) return;
    const toSave = codeRef.current;
    if (toSave === savedCode.current) return;
    setSaveStatus("saving");
    try {
      const s = await api.updateSnippet(open.id, { code: toSave });
      savedCode.current = toSave;
      upsert(s);
      setSaveStatus(codeRef.current === toSave ? "saved" : "dirty");
      setError(null);
    } catch (err) {
      fail(err);
    }
  }, [api, open, upsert, fail]);

  // Autosave the open snippet shortly after typing stops.
  useEffect(() => {
    if (!open || code === savedCode.current) return;
    setSaveStatus("dirty");
    const t = setTimeout(() => void persistCode(), AUTOSAVE_MS);
    return () => clearTimeout(t);
  }, [code, open, persistCode]);

  // Remember the open snippet or the unsaved draft for the next page load.
  useEffect(() => {
    const t = setTimeout(() => {
      saveMemory(window.localStorage, {
        owner,
        openId: open?.id ?? null,
        draft: open ? null : code,
      });
    }, 300);
    return () => clearTimeout(t);
  }, [owner, open, code]);

  const flush = useCallback(async () => {
    if (open && codeRef.current !== savedCode.current) await persistCode();
  }, [open, persistCode]);

  const openSnippet = useCallback(
    async (id: string, restoring = false) => {
      await flush();
      setOpening(true);
      try {
        const s = await api.getSnippet(id);
        savedCode.current = s.code;
        setCode(s.code);
        adopt(s);
        setSaveStatus("idle");
        setError(null);
      } catch (err) {
        // A remembered snippet that is gone is not worth an error: start afresh instead.
        if (restoring) setCode(sample);
        else setError(messageOf(err));
      } finally {
        setOpening(false);
      }
    },
    [api, adopt, flush, sample],
  );

  // Reopen the snippet that was open before the reload.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, on mount
  useEffect(() => {
    if (memory?.openId) void openSnippet(memory.openId, true);
  }, []);

  const newProgram = useCallback(async () => {
    await flush();
    setOpen(null);
    savedCode.current = null;
    setCode("");
    setSaveStatus("idle");
  }, [flush]);

  const create = useCallback(
    async (title: string, description: string): Promise<boolean> => {
      setSaveStatus("saving");
      try {
        const s = await api.createSnippet({
          code: codeRef.current,
          title: title.trim() || undefined,
          description: description.trim() || undefined,
        });
        savedCode.current = s.code;
        adopt(s);
        setSaveStatus("saved");
        setError(null);
        return true;
      } catch (err) {
        fail(err);
        return false;
      }
    },
    [api, adopt, fail],
  );

  const updateMeta = useCallback(
    async (patch: SnippetPatch) => {
      if (!open) return;
      setSaveStatus("saving");
      try {
        adopt(await api.updateSnippet(open.id, patch));
        setSaveStatus("saved");
        setError(null);
      } catch (err) {
        fail(err);
      }
    },
    [api, open, adopt, fail],
  );

  const toggleStar = useCallback(
    async (id: string) => {
      try {
        const s = await api.toggleStar(id);
        upsert(s);
        setOpen((o) => (o && o.id === id ? { ...o, is_starred: s.is_starred } : o));
      } catch (err) {
        setError(messageOf(err));
      }
    },
    [api, upsert],
  );

  const deleteSnippet = useCallback(
    async (id: string) => {
      try {
        await api.deleteSnippet(id);
        remove(id);
        if (open?.id === id) {
          setOpen(null);
          savedCode.current = null;
          setSaveStatus("idle");
        }
      } catch (err) {
        setError(messageOf(err));
      }
    },
    [api, open, remove],
  );

  /** Refetch the open snippet's summary (run count, complexity) after a run or analysis. */
  const refresh = useCallback(
    async (id: string) => {
      try {
        upsert(await api.getSnippet(id));
      } catch {
        /* the list keeps its previous numbers */
      }
    },
    [api, upsert],
  );

  return {
    code,
    codeRef,
    setCode,
    open,
    opening,
    saveStatus,
    error,
    persistCode,
    openSnippet,
    newProgram,
    create,
    updateMeta,
    toggleStar,
    deleteSnippet,
    refresh,
  };
}
