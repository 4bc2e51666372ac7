/* Coalescing: a sync of hundreds of records fires hundreds of "sent" events; the screens should re-read and
   redraw once after the burst, not once per record. */

/** fn, run once `ms` after the last of a burst of calls. */
export function coalesce(fn, ms = 150) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
