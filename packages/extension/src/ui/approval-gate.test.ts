import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { APPROVE_DELAY_MS, ApprovalGate } from './approval-gate.js';

/** A window whose focus and visibility the test sets, and a gate on it. */
function setup(initiallyActive = true) {
  const win = { active: initiallyActive };
  const changes: boolean[] = [];
  const gate = new ApprovalGate({
    isActive: () => win.active,
    now: () => Date.now(),
    onChange: (ready) => changes.push(ready),
  });
  const set = (active: boolean) => {
    win.active = active;
    gate.update();
  };
  return { gate, win, changes, set };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ApprovalGate', () => {
  test('the delay is about a second', () => {
    expect(APPROVE_DELAY_MS).toBeGreaterThanOrEqual(500);
    expect(APPROVE_DELAY_MS).toBeLessThanOrEqual(2000);
  });

  test('closed at first; opens once the window has been active for the delay, and says so', () => {
    const { gate, changes } = setup();
    expect(gate.ready()).toBe(false);
    expect(gate.progress()).toBe(0);
    vi.advanceTimersByTime(APPROVE_DELAY_MS / 2);
    expect(gate.ready()).toBe(false);
    expect(gate.progress()).toBeCloseTo(0.5);
    vi.advanceTimersByTime(APPROVE_DELAY_MS / 2 - 1);
    expect(gate.ready()).toBe(false);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(gate.ready()).toBe(true);
    expect(gate.progress()).toBe(1);
    expect(changes).toEqual([true]);
  });

  test('an inactive window never opens it; the wait starts when it becomes active', () => {
    const { gate, set, changes } = setup(false);
    vi.advanceTimersByTime(10 * APPROVE_DELAY_MS);
    expect(gate.ready()).toBe(false);
    set(true);
    vi.advanceTimersByTime(APPROVE_DELAY_MS - 1);
    expect(gate.ready()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(gate.ready()).toBe(true);
    expect(changes).toEqual([true]);
  });

  test('losing focus (or being hidden) closes it, and the whole wait starts over', () => {
    const { gate, set, changes } = setup();
    vi.advanceTimersByTime(APPROVE_DELAY_MS);
    expect(gate.ready()).toBe(true);
    set(false);
    expect(gate.ready()).toBe(false);
    expect(changes).toEqual([true, false]);
    vi.advanceTimersByTime(APPROVE_DELAY_MS);
    set(true);
    expect(gate.ready()).toBe(false);
    vi.advanceTimersByTime(APPROVE_DELAY_MS - 1);
    expect(gate.ready()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(gate.ready()).toBe(true);
    expect(changes).toEqual([true, false, true]);
  });

  test('a break part-way through the wait restarts it from zero', () => {
    const { gate, set } = setup();
    vi.advanceTimersByTime(APPROVE_DELAY_MS - 100);
    set(false);
    set(true);
    vi.advanceTimersByTime(APPROVE_DELAY_MS - 1);
    expect(gate.ready()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(gate.ready()).toBe(true);
  });

  test('reads the window at the moment of asking, even if no event said it changed', () => {
    const { gate, win } = setup();
    vi.advanceTimersByTime(APPROVE_DELAY_MS);
    win.active = false;
    expect(gate.ready()).toBe(false);
  });

  test('repeated updates while active do not push the wait back', () => {
    const { gate } = setup();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(APPROVE_DELAY_MS / 10);
      gate.update();
    }
    expect(gate.ready()).toBe(true);
  });

  test('once disposed it never opens', () => {
    const { gate, changes } = setup();
    gate.dispose();
    vi.advanceTimersByTime(10 * APPROVE_DELAY_MS);
    gate.update();
    expect(gate.ready()).toBe(false);
    expect(changes).toEqual([]);
  });

  test('the delay can be chosen', () => {
    const gate = new ApprovalGate({ isActive: () => true, now: () => Date.now(), delayMs: 50 });
    vi.advanceTimersByTime(49);
    expect(gate.ready()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(gate.ready()).toBe(true);
  });
});
