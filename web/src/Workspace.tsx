// The signed-in screen: editor + run/analyse toolbar, output, analysis, snippets and search.
// Owns the realtime socket for the session and the open snippet (with debounced autosave).

import { type FormEvent, lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { AnalysisPanel, loadMarkdown } from "./analysis/AnalysisPanel";
import { useAnalysis } from "./analysis/useAnalysis";
import { messageOf } from "./api/errors";
import type { Api } from "./api/http";
import { RealtimeSocket, type SocketState, socketUrl } from "./api/socket";
import type { AuthMode, Snippet } from "./api/types";
import type { Session } from "./auth/session";
import { OutputPanel } from "./run/OutputPanel";
import { useRun } from "./run/useRun";
import { snippetTitle } from "./snippets/order";
import { SimilarPanel } from "./snippets/SimilarPanel";
import { SnippetsPanel } from "./snippets/SnippetsPanel";
import { useSnippets } from "./snippets/useSnippets";
import { ErrorLine, Spinner } from "./ui/common";
import { loadMemory, saveMemory } from "./workspace-memory";

const CodeEditor = lazy(() => import("./editor/CodeEditor"));

const SAMPLE = `# Write Python here and press Run (Ctrl/Cmd+Enter).
def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

for i in range(10):
    print(i, fib(i))
`;

const AUTOSAVE_MS = 800;

function focusOnMount(el: HTMLElement | null) {
  el?.focus();
}
type SaveStatus = "idle" | "dirty" | "saving" | "saved" | "error";

function useSocket(session: Session | null, authMode: AuthMode) {
  const [socket, setSocket] = useState<RealtimeSocket | null>(null);
  const [state, setState] = useState<SocketState>("closed");
  const token = session?.token ?? null;
  useEffect(() => {
    if (!token && authMode !== "disabled") return;
    const s = new RealtimeSocket({ url: socketUrl(window.location, token ?? "") });
    const off = s.onState(setState);
    s.start();
    setSocket(s);
    return () => {
      off();
      s.stop();
      setSocket(null);
    };
  }, [token, authMode]);
  return { socket, state };
}

interface Props {
  api: Api;
  session: Session | null;
  authMode: AuthMode;
  onSignOut: (() => void) | null;
}

export function Workspace({ api, session, authMode, onSignOut }: Props) {
  const { socket, state: socketState } = useSocket(session, authMode);
  const { state: runState, run, clearViolations } = useRun(api, socket);
  const { state: analysis, status: analysisStatus, analyse } = useAnalysis(api, socket);
  const snippets = useSnippets(api);

  const owner = session?.email ?? session?.token.slice(-16) ?? "anonymous";
  const [memory] = useState(() => loadMemory(window.localStorage, owner));
  const [code, setCode] = useState(() => (memory?.openId ? "" : (memory?.draft ?? SAMPLE)));
  const [stdin, setStdin] = useState("");
  const [open, setOpen] = useState<Snippet | null>(null);
  const [opening, setOpening] = useState(false);
  const [saveStatus, setSaveStatus] = useState<SaveStatus>("idle");
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saveForm, setSaveForm] = useState<{ title: string; description: string } | null>(null);
  const [titleDraft, setTitleDraft] = useState("");
  const [descDraft, setDescDraft] = useState("");
  const [similarVersion, setSimilarVersion] = useState(0);
  const savedCode = useRef<string | null>(null);
  const codeRef = useRef(code);
  codeRef.current = code;

  const { upsert } = snippets;

  const adopt = useCallback(
    (s: Snippet) => {
      setOpen(s);
      setTitleDraft(s.title ?? "");
      setDescDraft(s.description ?? "");
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
      setSaveError(null);
    } catch (err) {
      setSaveStatus("error");
      setSaveError(messageOf(err));
    }
  }, [api, open, upsert]);

  // Autosave the open snippet shortly after typing stops.
  useEffect(() => {
    if (!open || code === savedCode.current) return;
    setSaveStatus("dirty");
    const t = setTimeout(() => void persistCode(), AUTOSAVE_MS);
    return () => clearTimeout(t);
  }, [code, open, persistCode]);

  // Remember the open snippet or the unsaved draft for the next page load.
  useEffect(() => {
    const t = setTimeout(
      () =>
        saveMemory(window.localStorage, {
          owner,
          openId: open?.id ?? null,
          draft: open ? null : code,
        }),
      300,
    );
    return () => clearTimeout(t);
  }, [owner, open, code]);

  // Reopen the snippet that was open before the reload.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, on mount
  useEffect(() => {
    if (memory?.openId) void openSnippet(memory.openId, true);
  }, []);

  const onCodeChange = useCallback(
    (c: string) => {
      setCode(c);
      clearViolations();
    },
    [clearViolations],
  );

  const onRun = useCallback(async () => {
    const snippetId = open?.id;
    const result = await run({
      code: codeRef.current,
      stdin: stdin || undefined,
      snippet_id: snippetId,
    });
    if (result && snippetId) {
      api.getSnippet(snippetId).then(
        (s) => upsert(s),
        () => {},
      );
    }
  }, [api, open, run, stdin, upsert]);

  const onAnalyse = useCallback(async () => {
    void loadMarkdown();
    const snippetId = open?.id;
    const r = await analyse(codeRef.current, snippetId);
    if (r?.success && snippetId) {
      api.getSnippet(snippetId).then(
        (s) => {
          upsert(s);
          setSimilarVersion((v) => v + 1);
        },
        () => {},
      );
    }
  }, [analyse, api, open, upsert]);

  // Ctrl/Cmd+Enter anywhere on the page (the editor handles its own and marks it handled).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
        e.preventDefault();
        void onRun();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onRun]);

  async function openSnippet(id: string, restoring = false) {
    if (open && codeRef.current !== savedCode.current) await persistCode();
    setOpening(true);
    try {
      const s = await api.getSnippet(id);
      savedCode.current = s.code;
      setCode(s.code);
      adopt(s);
      setSaveStatus("idle");
      setSaveForm(null);
      clearViolations();
    } catch (err) {
      // A remembered snippet that is gone is not worth an error: start fresh instead.
      if (restoring) setCode(SAMPLE);
      else setSaveError(messageOf(err));
    } finally {
      setOpening(false);
    }
  }

  async function newProgram() {
    if (open && codeRef.current !== savedCode.current) await persistCode();
    setOpen(null);
    savedCode.current = null;
    setCode("");
    setSaveStatus("idle");
    setSaveForm(null);
  }

  async function onSave() {
    if (open) {
      await persistCode();
      return;
    }
    setSaveForm({ title: "", description: "" });
  }

  async function createFromForm(e: FormEvent) {
    e.preventDefault();
    if (!saveForm) return;
    setSaveStatus("saving");
    try {
      const s = await api.createSnippet({
        code: codeRef.current,
        title: saveForm.title.trim() || undefined,
        description: saveForm.description.trim() || undefined,
      });
      savedCode.current = s.code;
      adopt(s);
      setSaveForm(null);
      setSaveStatus("saved");
      setSaveError(null);
    } catch (err) {
      setSaveStatus("error");
      setSaveError(messageOf(err));
    }
  }

  async function commitMeta() {
    if (!open) return;
    const title = titleDraft.trim();
    const description = descDraft.trim();
    const patch: { title?: string; description?: string } = {};
    if (title && title !== (open.title ?? "")) patch.title = title;
    if (description !== (open.description ?? "")) patch.description = description;
    if (!Object.keys(patch).length) {
      if (!title) setTitleDraft(open.title ?? "");
      return;
    }
    setSaveStatus("saving");
    try {
      adopt(await api.updateSnippet(open.id, patch));
      setSaveStatus("saved");
      setSaveError(null);
    } catch (err) {
      setSaveStatus("error");
      setSaveError(messageOf(err));
    }
  }

  async function toggleStar(id: string) {
    try {
      const s = await api.toggleStar(id);
      upsert(s);
      if (open?.id === id) setOpen((o) => (o ? { ...o, is_starred: s.is_starred } : o));
    } catch (err) {
      setSaveError(messageOf(err));
    }
  }

  async function deleteSnippet(id: string) {
    try {
      await api.deleteSnippet(id);
      snippets.remove(id);
      if (open?.id === id) {
        setOpen(null);
        savedCode.current = null;
        setSaveStatus("idle");
      }
    } catch (err) {
      setSaveError(messageOf(err));
    }
  }

  const socketLabel =
    socketState === "open"
      ? "Live"
      : socketState === "connecting"
        ? "Connecting…"
        : "Offline — using HTTP";

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">Code Remote</h1>
        <span
          className={`conn conn-${socketState}`}
          data-testid="connection"
          title="Realtime connection"
        >
          <span aria-hidden="true">●</span> {socketLabel}
        </span>
        <span className="spacer" />
        {session?.email && (
          <span className="user small" data-testid="user-email">
            {session.email}
          </span>
        )}
        {onSignOut && (
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        )}
      </header>
      <div className="layout">
        <SnippetsPanel
          api={api}
          items={snippets.items}
          loading={snippets.loading}
          error={snippets.error}
          openId={open?.id ?? null}
          onOpen={openSnippet}
          onStar={toggleStar}
          onDelete={deleteSnippet}
        />
        <main className="workbench" aria-label="Editor">
          <div className="snippet-bar">
            {open ? (
              <div className="meta-fields">
                <label className="inline">
                  <span className="visually-hidden">Snippet title</span>
                  <input
                    className="title-input"
                    value={titleDraft}
                    onChange={(e) => setTitleDraft(e.target.value)}
                    onBlur={commitMeta}
                    onKeyDown={(e) => e.key === "Enter" && void commitMeta()}
                    aria-label="Snippet title"
                  />
                </label>
                <label className="inline grow">
                  <span className="visually-hidden">Snippet description</span>
                  <input
                    value={descDraft}
                    placeholder="Description"
                    onChange={(e) => setDescDraft(e.target.value)}
                    onBlur={commitMeta}
                    onKeyDown={(e) => e.key === "Enter" && void commitMeta()}
                    aria-label="Snippet description"
                  />
                </label>
              </div>
            ) : (
              <span className="muted">Unsaved program</span>
            )}
            <span className="small muted" data-testid="save-status" role="status">
              {saveStatus === "saving"
                ? "Saving…"
                : saveStatus === "saved"
                  ? "All changes saved"
                  : saveStatus === "dirty"
                    ? "Unsaved changes"
                    : ""}
            </span>
            <Spinner active={opening} label="Opening…" />
          </div>
          {saveForm && (
            <form className="save-form" onSubmit={createFromForm} aria-label="Save snippet">
              <label>
                Title
                <input
                  name="title"
                  required
                  ref={focusOnMount}
                  value={saveForm.title}
                  onChange={(e) => setSaveForm({ ...saveForm, title: e.target.value })}
                />
              </label>
              <label>
                Description
                <input
                  name="description"
                  value={saveForm.description}
                  onChange={(e) => setSaveForm({ ...saveForm, description: e.target.value })}
                />
              </label>
              <div className="row">
                <button type="submit" className="primary" disabled={saveStatus === "saving"}>
                  Save snippet
                </button>
                <button type="button" onClick={() => setSaveForm(null)}>
                  Cancel
                </button>
              </div>
            </form>
          )}
          <ErrorLine message={saveError} />
          <div className="toolbar" role="toolbar" aria-label="Program actions">
            <button
              type="button"
              className="primary"
              onClick={() => void onRun()}
              disabled={runState.running}
              aria-keyshortcuts="Control+Enter Meta+Enter"
              title="Run (Ctrl/Cmd+Enter)"
            >
              {runState.running ? "Running…" : "Run"}
            </button>
            <button type="button" onClick={() => void onAnalyse()} disabled={analysis.running}>
              {analysis.running ? "Analysing…" : "Analyse"}
            </button>
            <button type="button" onClick={() => void onSave()}>
              {open ? "Save" : "Save as snippet"}
            </button>
            <button type="button" onClick={() => void newProgram()}>
              New
            </button>
            {open && <span className="small muted">Open: {snippetTitle(open)}</span>}
          </div>
          <div className="editor-frame">
            <Suspense
              fallback={
                <div className="editor-loading">
                  <Spinner active label="Loading editor…" />
                </div>
              }
            >
              <CodeEditor
                value={code}
                onChange={onCodeChange}
                onRun={() => void onRun()}
                violations={runState.violations}
                label="Python code"
              />
            </Suspense>
          </div>
          <details className="stdin">
            <summary>Standard input{stdin ? " (set)" : ""}</summary>
            <label htmlFor="stdin-input" className="visually-hidden">
              Standard input for the program
            </label>
            <textarea
              id="stdin-input"
              rows={3}
              value={stdin}
              placeholder="Lines the program reads with input()"
              onChange={(e) => setStdin(e.target.value)}
            />
          </details>
          <OutputPanel state={runState} />
        </main>
        <div className="side-right">
          <AnalysisPanel state={analysis} status={analysisStatus} />
          <SimilarPanel
            api={api}
            snippetId={open?.id ?? null}
            version={similarVersion}
            onOpen={openSnippet}
          />
        </div>
      </div>
    </div>
  );
}
