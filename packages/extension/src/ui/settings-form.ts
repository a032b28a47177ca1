/** Saving settings from a wallet page, and saying in words which field is wrong. */
import { call } from './client.js';

/**
 * Saves `settings` and shows the outcome in the element `noteId`: "Saved.",
 * or the wallet's message naming the field that cannot be used. Resolves
 * with whether it saved.
 *
 * @example
 * ```ts
 * await saveSettings({ ...current, autoLockMinutes: 5 }, 'settings-saved');
 * ```
 */
export async function saveSettings(settings: unknown, noteId: string): Promise<boolean> {
  const note = document.getElementById(noteId) as HTMLElement;
  for (const bad of document.querySelectorAll('[aria-invalid="true"]')) {
    bad.removeAttribute('aria-invalid');
  }
  try {
    await call({ type: 'settings/save', settings });
    note.textContent = 'Saved.';
    note.className = 'notice info';
    note.hidden = false;
    return true;
  } catch (error) {
    const message = (error as Error).message;
    note.textContent = message;
    note.className = 'notice error';
    note.setAttribute('role', 'alert');
    note.hidden = false;
    // the field the message names, marked for screen readers and the eye
    const field = /^“([^”]+)”/.exec(message)?.[1];
    for (const label of document.querySelectorAll('label.field, label.check')) {
      if (field && label.querySelector('span')?.textContent === field) {
        label.querySelector('input, textarea')?.setAttribute('aria-invalid', 'true');
      }
    }
    return false;
  }
}
