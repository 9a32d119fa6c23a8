import { describe, expect, it } from "vitest";
import { clearMemory, loadMemory, MEMORY_KEY, saveMemory } from "../src/workspace-memory";

describe("workspace memory across reloads", () => {
  it("gives back the open snippet or draft to the same person only", () => {
    saveMemory(localStorage, { owner: "a@b.c", openId: "s1", draft: null });
    expect(loadMemory(localStorage, "a@b.c")).toEqual({
      owner: "a@b.c",
      openId: "s1",
      draft: null,
    });
    expect(loadMemory(localStorage, "someone@else.org")).toBeNull();
    // An unsaved draft comes back the same way, and to its owner only.
    saveMemory(localStorage, { owner: "a@b.c", openId: null, draft: "print('draft')\n" });
    expect(loadMemory(localStorage, "a@b.c")).toEqual({
      owner: "a@b.c",
      openId: null,
      draft: "print('draft')\n",
    });
    expect(loadMemory(localStorage, "someone@else.org")).toBeNull();
  });

  it("is cleared on sign-out and survives corrupt storage", () => {
    saveMemory(localStorage, { owner: "a@b.c", openId: null, draft: "print(1)" });
    clearMemory(localStorage);
    expect(loadMemory(localStorage, "a@b.c")).toBeNull();
    localStorage.setItem(MEMORY_KEY, "{oops");
    expect(loadMemory(localStorage, "a@b.c")).toBeNull();
  });
});
