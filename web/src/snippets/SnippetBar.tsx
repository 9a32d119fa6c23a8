// Above the editor: the open snippet's title and description (edited in place, saved on
// Enter or blur), the autosave status, and the form that saves a new snippet.

import { type FormEvent, useEffect, useState } from "react";
import type { SnippetPatch } from "../api/http";
import type { Snippet } from "../api/types";
import { Spinner } from "../ui/common";
import type { SaveStatus } from "./useOpenSnippet";

const STATUS_TEXT: Record<SaveStatus, string> = {
  idle: "",
  dirty: "Unsaved changes",
  saving: "Saving…",
  saved: "All changes saved",
  error: "",
};

export function SnippetBar({
  open,
  saveStatus,
  opening,
  onUpdate,
}: {
  open: Snippet | null;
  saveStatus: SaveStatus;
  opening: boolean;
  onUpdate: (patch: SnippetPatch) => void;
}) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  useEffect(() => {
    setTitle(open?.title ?? "");
    setDescription(open?.description ?? "");
  }, [open?.title, open?.description]);

  function commit() {
    if (!open) return;
    const patch: SnippetPatch = {};
    if (title.trim() && title.trim() !== (open.title ?? "")) patch.title = title.trim();
    if (description.trim() !== (open.description ?? "")) patch.description = description.trim();
    if (Object.keys(patch).length) onUpdate(patch);
    else if (!title.trim()) setTitle(open.title ?? "");
  }

  return (
    <div className="snippet-bar">
      {open ? (
        <div className="meta-fields">
          <input
            className="title-input"
            aria-label="Snippet title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => e.key === "Enter" && commit()}
          />
          <input
            className="grow"
            aria-label="Snippet description"
            placeholder="Description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => e.key === "Enter" && commit()}
          />
        </div>
      ) : (
        <span className="muted">Unsaved program</span>
      )}
      <span className="small muted" data-testid="save-status" role="status">
        {STATUS_TEXT[saveStatus]}
      </span>
      <Spinner active={opening} label="Opening…" />
    </div>
  );
}

function focusOnMount(el: HTMLElement | null) {
  el?.focus();
}

export function SaveForm({
  busy,
  onSave,
  onCancel,
}: {
  busy: boolean;
  onSave: (title: string, description: string) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  function submit(e: FormEvent) {
    e.preventDefault();
    onSave(title, description);
  }
  return (
    <form className="save-form" onSubmit={submit} aria-label="Save snippet">
      <label>
        Title
        <input
          name="title"
          required
          ref={focusOnMount}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <label>
        Description
        <input
          name="description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          Save snippet
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
