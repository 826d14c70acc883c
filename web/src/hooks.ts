import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, clientError, type Page } from './api.js';
import { msg } from './i18n/index.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
  /** Replaces the data after a write that answered with the new state. */
  set: (data: T) => void;
}

/** GETs a path (none when null) and follows it when it changes. */
export function useResource<T>(path: string | null): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return undefined;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(undefined);
    api.get<T>(path, controller.signal).then(
      (value) => {
        setData(value);
        setLoading(false);
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(toApiError(reason));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [path, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload, set: setData };
}

export function toApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason;
  // A script error's own message is the browser's words; else a word of our own.
  return clientError(reason instanceof Error ? { text: reason.message } : msg('app.error.unknown'));
}

/** Sets the document title for the page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Lintas` : 'Lintas';
  }, [title]);
}

/** State for a form's submission: busy flag, the last error, and a runner that catches it. */
export function useSubmit(): {
  busy: boolean;
  error: ApiError | undefined;
  setError: (error: ApiError | undefined) => void;
  run: (work: () => Promise<void>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

export interface Paged<T> {
  items: T[];
  next: string | null;
  error: ApiError | undefined;
  /** 'first' while the first page loads, 'more' while a further one does. */
  loading: 'first' | 'more' | null;
  more: () => void;
  reload: () => void;
  update: (change: (items: T[]) => T[]) => void;
}

/** A cursor-paginated list: the first page on mount, further pages appended by `more`. */
export function usePaged<T>(path: string): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState<'first' | 'more' | null>('first');
  const [generation, setGeneration] = useState(0);
  const separator = path.includes('?') ? '&' : '?';

  useEffect(() => {
    const controller = new AbortController();
    setLoading('first');
    setError(undefined);
    api.get<Page<T>>(path, controller.signal).then(
      (page) => {
        setItems(page.data);
        setNext(page.next);
        setLoading(null);
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return;
        setItems([]);
        setNext(null);
        setError(toApiError(reason));
        setLoading(null);
      },
    );
    return () => controller.abort();
  }, [path, generation]);

  const more = useCallback(() => {
    if (!next) return;
    setLoading('more');
    api.get<Page<T>>(`${path}${separator}cursor=${encodeURIComponent(next)}`).then(
      (page) => {
        setItems((current) => [...current, ...page.data]);
        setNext(page.next);
        setLoading(null);
      },
      (reason: unknown) => {
        setError(toApiError(reason));
        setLoading(null);
      },
    );
  }, [next, path, separator]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { items, next, error, loading, more, reload, update: setItems };
}
