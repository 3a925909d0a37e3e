import { useEffect, useState } from 'preact/hooks';

/** The current time, ticking every `intervalMs`: what the live countdowns count against. */
export function useNow(intervalMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
