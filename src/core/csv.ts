// CSV as spreadsheets write it (RFC 4180): quoted fields may hold commas, quotes and line
// breaks; a file whose header uses ";" (Excel set to Vietnamese) is read with ";". Each row keeps
// the line it starts on, for error messages a person can find in their file.
/** Rows with the line each starts on, or the line of a quote never closed. */
export function parseCsv(text: string): { line: number; cells: string[] }[] | { line: number } {
  const rows: { line: number; cells: string[] }[] = [];
  // Spreadsheets set to Vietnamese write ";" between columns (the comma is the decimal mark).
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const separator = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === separator) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) return { line: rowLine };
  cells.push(cell);
  if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells });
  return rows;
}

