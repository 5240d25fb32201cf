/**
 * Text a spreadsheet would run as a formula (OWASP "CSV injection"): one starting with = + - @, a tab or a carriage
 * return. Every CSV and XLSX cell the system writes goes through {@link spreadsheetCell}, which puts an apostrophe in
 * front of such text (the spreadsheet then shows it as text); an import takes that apostrophe off again
 * ({@link fromSpreadsheetCell}), so an exported value imports as it was. Numbers stay numbers: a number, or text that
 * is one (`-5`, `+3.2`), is data, not a formula, and is left as it is.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Whether `text` gets an apostrophe: it starts like a formula, or it is an apostrophe before text that would (so that
 * taking one apostrophe off on import gives back exactly what was written).
 */
export function needsFormulaEscape(text: string): boolean {
  if (FORMULA_START.test(text)) return !PLAIN_NUMBER.test(text);
  return text.startsWith("'") && needsFormulaEscape(text.slice(1));
}

/** A cell as a spreadsheet file should hold it: text that starts like a formula behind an apostrophe; anything else as is. */
export function spreadsheetCell<T>(value: T): T | string {
  return typeof value === 'string' && needsFormulaEscape(value) ? `'${value}` : value;
}

/** A text cell read from an import: the apostrophe {@link spreadsheetCell} put in front taken off. */
export function fromSpreadsheetCell(text: string): string {
  return text.startsWith("'") && needsFormulaEscape(text.slice(1)) ? text.slice(1) : text;
}
