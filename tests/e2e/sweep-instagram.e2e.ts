// The whole inbox on instagram: tests/e2e/sweep-suite.ts.
import { sweepSuite } from './sweep-suite';

sweepSuite('instagram');
