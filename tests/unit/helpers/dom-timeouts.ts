// testing-library's waitFor/findBy give up after 1 s by default. On a loaded 2-core CI machine a
// UI step that runs real crypto (ratchet, scrypt) or a Dexie liveQuery round can take longer
// without anything being wrong, so the UI tests wait up to 5 s (a real failure still fails).
import { configure } from '@testing-library/preact';

configure({ asyncUtilTimeout: 5_000 });
