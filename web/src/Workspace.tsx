// The signed-in screen: editor + run/analyse toolbar, output, analysis, snippets and search.
// Owns the realtime socket of the session; the open snippet lives in useOpenSnippet.

import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { AnalysisPanel, loadMarkdown } from "./analysis/AnalysisPanel";
import { useAnalysis } from "./analysis/useAnalysis";
import type { Api } from "./api/http";
import { RealtimeSocket, type SocketState, socketUrl } from "./api/socket";
import type { AuthMode } from "./api/types";
import type { Session } from "./auth/session";
import { OutputPanel } from "./run/OutputPanel";
import { useRun } from "./run/useRun";
import { snippetTitle } from "./snippets/order";
import { SimilarPanel } from "./snippets/SimilarPanel";
import { SaveForm, SnippetBar } from "./snippets/SnippetBar";
import { SnippetsPanel } from "./snippets/SnippetsPanel";
import { useOpenSnippet } from "./snippets/useOpenSnippet";
import { useSnippets } from "./snippets/useSnippets";
import { ErrorLine, Spinner } from "./ui/common";

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

const SOCKET_LABEL: Record<SocketState, string> = {
  open: "Live",
  connecting: "Connecting…",
  closed: "Offline — using HTTP",
};

interface Props {
  api: Api;
  session: Session | null;
  authMode: AuthMode;
  onSignOut: (() => void) | null;
}

export function Workspace({ api, session, authMode, onSignOut }: Props) {
  const { socket, state: socketState } = useSocket(session, authMode);
  const {
    state: runState,
    run,
    stop,
    sendInput,
    closeInput,
    clearViolations,
  } = useRun(api, socket);
  const { state: analysis, status: analysisStatus, analyse } = useAnalysis(api, socket);
  const snippets = useSnippets(api);
  const owner = session?.email ?? session?.token.slice(-16) ?? "anonymous";
  const doc = useOpenSnippet(api, snippets, owner, SAMPLE);
  const { codeRef, open, refresh } = doc;
  const [stdin, setStdin] = useState("");
  const [timeLimit, setTimeLimit] = useState(30);
  const [saving, setSaving] = useState(false);
  const [similarVersion, setSimilarVersion] = useState(0);

  const onCodeChange = useCallback(
    (c: string) => {
      doc.setCode(c);
      clearViolations();
    },
    [doc.setCode, clearViolations],
  );

  const onRun = useCallback(async () => {
    // The editor does not yet hold the snippet being opened: there is nothing to run.
    if (doc.opening) return;
    const snippetId = open?.id;
    const result = await run({
      code: codeRef.current,
      stdin: stdin || undefined,
      // Without prepared input, the output panel becomes a console when the program reads.
      interactive: !stdin,
      snippet_id: snippetId,
      timeout_seconds: timeLimit,
    });
    if (result && snippetId) void refresh(snippetId);
  }, [codeRef, doc.opening, open, refresh, run, stdin, timeLimit]);

  const onAnalyse = useCallback(async () => {
    void loadMarkdown();
    const snippetId = open?.id;
    const r = await analyse(codeRef.current, snippetId);
    if (r?.success && snippetId) {
      await refresh(snippetId);
      setSimilarVersion((v) => v + 1);
    }
  }, [analyse, codeRef, open, refresh]);

  // Ctrl/Cmd+Enter anywhere on the page (the editor handles its own and marks it handled).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "." && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        stop();
        return;
      }
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
        e.preventDefault();
        void onRun();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onRun, stop]);

  async function onSave() {
    if (open) await doc.persistCode();
    else setSaving(true);
  }

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">Code Remote</h1>
        <span
          className={`conn conn-${socketState}`}
          data-testid="connection"
          title="Realtime connection"
        >
          <span aria-hidden="true">●</span> {SOCKET_LABEL[socketState]}
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
          onOpen={(id) => void doc.openSnippet(id)}
          onStar={(id) => void doc.toggleStar(id)}
          onDelete={doc.deleteSnippet}
        />
        <main className="workbench" aria-label="Editor">
          <SnippetBar
            open={open}
            saveStatus={doc.saveStatus}
            opening={doc.opening}
            onUpdate={(patch) => void doc.updateMeta(patch)}
          />
          {saving && !open && (
            <SaveForm
              busy={doc.saveStatus === "saving"}
              onCancel={() => setSaving(false)}
              onSave={async (title, description) => {
                if (await doc.create(title, description)) setSaving(false);
              }}
            />
          )}
          <ErrorLine message={doc.error} />
          <div className="toolbar" role="toolbar" aria-label="Program actions">
            <button
              type="button"
              className="primary"
              onClick={() => void onRun()}
              disabled={runState.running || doc.opening}
              aria-keyshortcuts="Control+Enter Meta+Enter"
              title="Run (Ctrl/Cmd+Enter)"
            >
              {runState.running ? "Running…" : "Run"}
            </button>
            <button
              type="button"
              className="danger"
              onClick={stop}
              disabled={!runState.running || runState.stopping}
              aria-keyshortcuts="Control+. Meta+."
              title="Stop (Ctrl/Cmd+.)"
            >
              {runState.stopping ? "Stopping…" : "Stop"}
            </button>
            <button type="button" onClick={() => void onAnalyse()} disabled={analysis.running}>
              {analysis.running ? "Analysing…" : "Analyse"}
            </button>
            <button type="button" onClick={() => void onSave()}>
              {open ? "Save" : "Save as snippet"}
            </button>
            <button
              type="button"
              onClick={() => {
                setSaving(false);
                void doc.newProgram();
              }}
            >
              New
            </button>
            <label className="inline small">
              Time limit
              <select value={timeLimit} onChange={(e) => setTimeLimit(Number(e.target.value))}>
                {[1, 5, 10, 30].map((s) => (
                  <option key={s} value={s}>
                    {s} s
                  </option>
                ))}
              </select>
            </label>
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
                value={doc.code}
                onChange={onCodeChange}
                onRun={() => void onRun()}
                violations={runState.violations}
                label="Python code"
                readOnly={doc.opening}
              />
            </Suspense>
          </div>
          <p className="hint small muted">
            Ctrl/Cmd+Enter runs the program · Ctrl/Cmd+. stops it · Tab indents · Esc then Tab
            leaves the editor
          </p>
          <details className="stdin">
            <summary>Standard input{stdin ? " (set)" : ""}</summary>
            <label htmlFor="stdin-input" className="visually-hidden">
              Standard input for the program
            </label>
            <textarea
              id="stdin-input"
              rows={3}
              value={stdin}
              placeholder="Lines the program reads (empty: type them into the output while it runs)"
              onChange={(e) => setStdin(e.target.value)}
            />
          </details>
          <OutputPanel state={runState} io={{ sendInput, closeInput }} />
        </main>
        <div className="side-right">
          <AnalysisPanel state={analysis} status={analysisStatus} />
          <SimilarPanel
            api={api}
            snippetId={open?.id ?? null}
            version={similarVersion}
            onOpen={(id) => void doc.openSnippet(id)}
          />
        </div>
      </div>
    </div>
  );
}
