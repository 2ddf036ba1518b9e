import { CONTROL, LONE_SURROGATE } from './library-path.js';

/**
 * What is wrong with a name people read in lists (an album's name, a keyword), or undefined:
 * blank, a control character (a line break or tab would break every list and file name it is
 * shown in) or half of a surrogate pair (it cannot be shown or sent as text).
 */
export function labelProblem(label: string): string | undefined {
  if (label.trim() === '') return 'is blank';
  if (CONTROL.test(label)) return 'contains a control character (a line break, a tab or NUL)';
  if (LONE_SURROGATE.test(label)) return 'is not well-formed Unicode (half of a surrogate pair)';
  return undefined;
}
