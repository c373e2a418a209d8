// The settings as a live value for pages: read once, then followed (a change made in the options
// page shows at once in an open popup or side panel).
import { useEffect, useState } from 'preact/hooks';
import { getSettings, watchSettings, type Settings } from '../shared/settings';

/** null until the first read has finished. */
export function useSettings(): Settings | null {
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => {
    let live = true;
    const unwatch = watchSettings((s) => live && setSettings(s));
    getSettings()
      .then((s) => live && setSettings((current) => current ?? s))
      .catch((e) => console.error('[unified-inbox] settings unreadable', e));
    return () => {
      live = false;
      unwatch();
    };
  }, []);
  return settings;
}
