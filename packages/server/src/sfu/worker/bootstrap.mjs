// Worker-thread bootstrap: Node 20 does not carry `--import tsx` loader hooks into worker
// threads, so register tsx here, then load the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./entry.ts');
