/** Plain-text tables for the terminal: columns padded to their widest cell, long cells wrapped. */
export function formatTable(header: string[], rows: string[][], maxWidth: number[] = []): string {
  const wrap = (cell: string, width: number | undefined): string[] => {
    if (!width || cell.length <= width) return [cell];
    const lines: string[] = [];
    let line = '';
    for (const word of cell.split(' ')) {
      if (line && line.length + word.length + 1 > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    return [...lines, line];
  };
  const cells = [header, ...rows].map((r) => r.map((c, i) => wrap(c, maxWidth[i])));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => Math.max(...(r[i] ?? ['']).map((l) => l.length)))));
  const render = (r: string[][]) => {
    const height = Math.max(...r.map((c) => c.length));
    return Array.from({ length: height }, (_, k) => r.map((c, i) => (c[k] ?? '').padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
  };
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [render(cells[0]!), rule, ...cells.slice(1).map(render)].join('\n');
}
