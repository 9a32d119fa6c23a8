// Markdown for analysis narratives, rendered without raw HTML: markdown-it with html off
// escapes any tag in the text, and its link validator refuses javascript:/vbscript:/data:
// URLs. Loaded lazily with the analysis panel's first use.

import MarkdownIt from "markdown-it";

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));

md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  if (token) {
    token.attrSet("rel", "noopener noreferrer nofollow");
    token.attrSet("target", "_blank");
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};

// Headings in a narrative sit under the panel's own h2, so they all become h3: the page's
// outline stays in order whatever levels the model chose.
for (const rule of ["heading_open", "heading_close"] as const) {
  md.renderer.rules[rule] = (tokens, idx, options, _env, self) => {
    const token = tokens[idx];
    if (token) token.tag = "h3";
    return self.renderToken(tokens, idx, options);
  };
}

export function renderMarkdown(src: string): string {
  return md.render(src);
}
