import { useEffect } from "react";

export const INTERACTIVE_MARK = "subscriptions:interactive";

/** Marks the moment a page first shows its data and can be used (the browser tests read it: the budget is
 * 1 s from the frame's navigation against a local API). */
export function useInteractiveMark(ready: boolean) {
  useEffect(() => {
    if (ready && performance.getEntriesByName(INTERACTIVE_MARK).length === 0) {
      performance.mark(INTERACTIVE_MARK);
    }
  }, [ready]);
}
