import { beforeEach, describe, expect, it } from 'vitest';
import { clearLocalToken, TOKEN_STORAGE_KEY, takeLocalToken } from './localToken.js';

beforeEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/dashboard/');
});

describe('takeLocalToken', () => {
  it('moves #token=… into sessionStorage and strips it from the URL', () => {
    history.replaceState(null, '', '/dashboard/conversations?rating=up#token=s3cret');
    expect(takeLocalToken()).toBe('s3cret');
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('s3cret');
    expect(location.pathname + location.search + location.hash).toBe('/dashboard/conversations?rating=up');
  });

  it('keeps other hash parameters', () => {
    history.replaceState(null, '', '/dashboard/#token=abc&tab=2');
    expect(takeLocalToken()).toBe('abc');
    expect(location.hash).toBe('#tab=2');
  });

  it('strips an empty #token= without forgetting the stored token', () => {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, 'stored');
    history.replaceState(null, '', '/dashboard/#token=');
    expect(takeLocalToken()).toBe('stored');
    expect(location.hash).toBe('');
  });

  it('falls back to the stored token, and to null once cleared', () => {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, 'stored');
    expect(takeLocalToken()).toBe('stored');
    clearLocalToken();
    expect(takeLocalToken()).toBeNull();
  });
});
