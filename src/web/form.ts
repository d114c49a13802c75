/** A text field of a submitted form, trimmed; '' when it is missing (a file input is never asked for). */
export function formText(form: HTMLFormElement | FormData, name: string): string {
  const value = (form instanceof FormData ? form : new FormData(form)).get(name);
  return typeof value === 'string' ? value.trim() : '';
}
