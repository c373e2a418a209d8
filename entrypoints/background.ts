import { defineBackground } from 'wxt/utils/define-background';

export default defineBackground({
  type: 'module',
  main() {
    // Filled in by the walking skeleton (store, merge, routing, outbox).
  },
});
