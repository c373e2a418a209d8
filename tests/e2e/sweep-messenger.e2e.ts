// The whole inbox on messenger: tests/e2e/sweep-suite.ts.
import { sweepSuite } from './sweep-suite';

sweepSuite('messenger');
