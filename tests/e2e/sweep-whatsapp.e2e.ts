// The whole inbox on whatsapp: tests/e2e/sweep-suite.ts.
import { sweepSuite } from './sweep-suite';

sweepSuite('whatsapp');
