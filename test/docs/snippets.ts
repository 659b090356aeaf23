import { readFileSync } from 'node:fs';

export interface Snippet {
  /** Where it is: `README.md:123`. */
  where: string;
  code: string;
}

/** The ```ts code blocks of a Markdown file. */
export function tsSnippets(file: string, label: string): Snippet[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    snippets.push({ where: `${label}:${start}`, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return snippets;
}
