// The CodeMirror 6 editor: Python, line numbers, bracket matching, indentation, lint
// diagnostics for security violations, and Mod-Enter to run. Lazy-loaded as its own chunk.

import { indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { HighlightStyle, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";
import { basicSetup } from "codemirror";
import { useEffect, useRef } from "react";
import type { SecurityViolation } from "../api/types";
import { violationSpan } from "./diagnostics";

export interface CodeEditorProps {
  value: string;
  onChange: (code: string) => void;
  onRun: () => void;
  violations: readonly SecurityViolation[];
  label: string;
  /** While a snippet is being opened the document is about to be replaced: typing is refused
   * rather than silently lost. */
  readOnly?: boolean;
}

const editable = (on: boolean) => [EditorState.readOnly.of(!on), EditorView.editable.of(on)];

// Colours come from CSS variables, so the editor follows the light/dark theme by itself.
const highlight = HighlightStyle.define([
  {
    tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword],
    color: "var(--hl-keyword)",
  },
  { tag: [t.string, t.special(t.string)], color: "var(--hl-string)" },
  { tag: [t.number, t.bool, t.null], color: "var(--hl-number)" },
  { tag: [t.comment, t.lineComment], color: "var(--hl-comment)", fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "var(--hl-function)" },
  { tag: [t.definition(t.variableName), t.className], color: "var(--hl-def)" },
  { tag: [t.operator], color: "var(--hl-operator)" },
]);

const theme = EditorView.theme({
  "&": { height: "100%", backgroundColor: "var(--editor-bg)", color: "var(--fg)" },
  ".cm-content": { caretColor: "var(--fg)", fontFamily: "var(--mono)" },
  ".cm-gutters": {
    backgroundColor: "var(--editor-gutter)",
    color: "var(--muted)",
    borderRight: "1px solid var(--border)",
  },
  ".cm-activeLine": { backgroundColor: "var(--editor-active)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--editor-active)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionLayer .cm-selectionBackground":
    { backgroundColor: "var(--editor-selection)" },
  ".cm-cursor": { borderLeftColor: "var(--fg)" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5" },
});

export default function CodeEditor({
  value,
  onChange,
  onRun,
  violations,
  label,
  readOnly = false,
}: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const editing = useRef(new Compartment());
  const latest = useRef({ onChange, onRun });
  latest.current = { onChange, onRun };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the view is created once; value changes are synced by the next effect
  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          Prec.highest(
            keymap.of([
              {
                key: "Mod-Enter",
                run: () => {
                  latest.current.onRun();
                  return true;
                },
              },
            ]),
          ),
          basicSetup,
          editing.current.of(editable(!readOnly)),
          keymap.of([indentWithTab]),
          indentUnit.of("    "),
          python(),
          syntaxHighlighting(highlight),
          lintGutter(),
          theme,
          // tabindex makes the (scrollable) editor count as keyboard-reachable for axe too.
          EditorView.contentAttributes.of({
            "aria-label": label,
            "data-testid": "code-input",
            tabindex: "0",
          }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    host.current.dataset.ready = "true";
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  // Outside changes (opening a snippet, New): replace the document.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current !== value) {
      v.dispatch({ changes: { from: 0, to: current.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: editing.current.reconfigure(editable(!readOnly)) });
    if (host.current) host.current.setAttribute("aria-busy", String(readOnly));
  }, [readOnly]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const lines = v.state.doc.toString().split("\n");
    const diagnostics: Diagnostic[] = violations.map((vi) => {
      const span = violationSpan(lines, vi);
      return {
        ...span,
        severity: "error",
        source: "security policy",
        message: `Line ${vi.line}: ${vi.message}`,
      };
    });
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [violations]);

  return <div className="editor-host" ref={host} />;
}
