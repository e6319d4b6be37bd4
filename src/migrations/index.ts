import { Foundation1763766000000 } from './1763766000000-foundation';

/** Every migration, oldest first. Runs at start (never `synchronize`). */
export const MIGRATIONS = [Foundation1763766000000];
